import { EventBackbone } from '@urrbmi/messaging';
import { RegistrationRepository } from './registration.repository';
import { RelayWakeup } from './relay-wakeup';

/** A repository whose NOTIFYs are recorded and finish when the test says so. */
function recordingRepository() {
  const sent: number[] = [];
  const finish: (() => void)[] = [];
  const repository = {
    notifyRelay: (pending: number) => {
      sent.push(pending);
      return new Promise<void>((resolve) => finish.push(resolve));
    },
  } as unknown as RegistrationRepository;
  const settle = async () => {
    finish.shift()?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { repository, sent, settle };
}

/** A backbone whose relay is active in another replica (so this one NOTIFYs), or in this one. */
function backbone(leader = false) {
  const woken: number[] = [];
  const b = {
    relay: { isLeader: () => leader, wakeUp: () => woken.push(1) },
  } as unknown as EventBackbone;
  return { b, woken };
}

describe('RelayWakeup', () => {
  it('wakes the relay directly, without a NOTIFY, when it is active in this process', () => {
    const { repository, sent } = recordingRepository();
    const { b, woken } = backbone(true);
    const wakeup = new RelayWakeup(repository, b);
    wakeup.committed(1);
    wakeup.committed(1);
    expect(woken).toEqual([1, 1]);
    expect(sent).toEqual([]);
  });

  it('sends one NOTIFY per commit while none is on its way', async () => {
    const { repository, sent, settle } = recordingRepository();
    const wakeup = new RelayWakeup(repository, backbone().b);
    wakeup.committed(1);
    await settle();
    wakeup.committed(1);
    await settle();
    expect(sent).toEqual([1, 1]);
  });

  it('folds commits made while a NOTIFY is on its way into one more NOTIFY after it', async () => {
    const { repository, sent, settle } = recordingRepository();
    const wakeup = new RelayWakeup(repository, backbone().b);
    wakeup.committed(1);
    for (let i = 0; i < 49; i++) wakeup.committed(1);
    expect(sent).toEqual([1]);
    await settle();
    expect(sent).toEqual([1, 49]);
    await settle();
    expect(sent).toEqual([1, 49]);
  });

  it('keeps waking the relay after a NOTIFY fails (the relay also polls)', async () => {
    const sent: number[] = [];
    const repository = {
      notifyRelay: (pending: number) => {
        sent.push(pending);
        return Promise.reject(new Error('database away'));
      },
    } as unknown as RegistrationRepository;
    const wakeup = new RelayWakeup(repository, backbone().b);
    wakeup.committed(1);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    wakeup.committed(2);
    expect(sent).toEqual([1, 2]);
  });
});
