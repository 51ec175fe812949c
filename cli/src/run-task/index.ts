export { startRunTaskServer } from './server';
export type { RunTaskServer } from './server';
export {
  HCP_TERRAFORM_HOSTS,
  PLAN_REDIRECT_HOSTS,
  RULES_DOC_URL,
  parseAllowedHosts,
  parseRedirectHosts,
  refuseUrl,
} from './options';
export type { RunTaskOptions, LogEntry } from './options';
export { signBody, verifySignature } from './signature';
export type { TaskSummary } from './run-task';
