export * from './categories';
export * from './policy.model';
export * from './policy-loader';
export * from './subsidy-assessment';
export * from './enrolment-eligibility';
export * from './monthly-match';
export * from './refund-admissibility';
export * from './policy-registry';
