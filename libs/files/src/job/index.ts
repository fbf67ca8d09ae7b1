export * from './private-storage';
export * from './file-job.migration';
export * from './file-job.repository';
export * from './file-job-runner';
