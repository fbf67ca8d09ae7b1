import { DataSource } from 'typeorm';
import { EventBackbone } from '@urrbmi/messaging';

export interface ReadinessReport {
  ready: boolean;
  checks: { database: boolean; kafka: boolean; consumers: boolean; outboxRelay: boolean };
}

/** Ready = the database answers, the broker answers, and no consumer has given up. */
export class ReadinessProbe {
  private cached?: { at: number; report: ReadinessReport };

  constructor(
    private readonly dataSource: DataSource,
    private readonly backbone: EventBackbone,
  ) {}

  async check(): Promise<ReadinessReport> {
    if (this.cached && Date.now() - this.cached.at < 500) return this.cached.report;
    const [database, kafka] = await Promise.all([this.databaseAnswers(), this.backbone.kafkaReachable(2000)]);
    const consumers = this.backbone.consumerFailures().length === 0;
    const report = {
      ready: database && kafka && consumers,
      checks: { database, kafka, consumers, outboxRelay: this.backbone.relay.isHealthy() },
    };
    this.cached = { at: Date.now(), report };
    return report;
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
      ]);
      return true;
    } catch {
      return false;
    }
  }
}
