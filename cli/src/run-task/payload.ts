/**
 * The fields of the run-task request this server reads (docs/field-facts.md 3.1, HCP-API "Common Properties").
 * Unknown keys are ignored; HCP Terraform adds fields over time.
 */
export interface RunTaskRequest {
  readonly payload_version: number;
  readonly stage: string;
  readonly access_token: string;
  readonly capabilities?: { readonly outcomes?: boolean };
  readonly plan_json_api_url?: string;
  readonly task_result_callback_url?: string;
  readonly task_result_enforcement_level?: string;
  readonly task_result_id?: string;
  readonly run_id?: string;
  readonly organization_name?: string;
  readonly workspace_name?: string;
  readonly is_speculative?: boolean;
}

/**
 * The stages whose plan the checklist judges. post_apply also carries a plan URL, but a verdict after apply
 * blocks nothing; pre_plan has no plan yet (docs/field-facts.md 3.1).
 */
export const JUDGED_STAGES: readonly string[] = ['post_plan', 'pre_apply'];
export const STAGES: readonly string[] = ['pre_plan', 'post_plan', 'pre_apply', 'post_apply'];

/**
 * HashiCorp's scaffold recognises the request HCP Terraform sends when a run task is created by this
 * nonsense token, and answers 200 without a callback (docs/field-facts.md 3.3).
 */
export const VERIFICATION_TOKEN = 'test-token';

export type ParsedRequest =
  | { readonly kind: 'verification' }
  | { readonly kind: 'task'; readonly request: RunTaskRequest }
  | { readonly kind: 'invalid'; readonly reason: string };

export function parseRunTaskRequest(rawBody: Buffer): ParsedRequest {
  let json: any;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'the body is not JSON' };
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    return { kind: 'invalid', reason: 'the body is not a JSON object' };
  }
  // The verification body is not documented beyond its token; it may lack the other fields (docs/field-facts.md 3.3).
  if (json.access_token === VERIFICATION_TOKEN) return { kind: 'verification' };
  if (json.payload_version !== 1) {
    return { kind: 'invalid', reason: `payload_version ${JSON.stringify(json.payload_version)} is not 1` };
  }
  if (!STAGES.includes(json.stage)) {
    return { kind: 'invalid', reason: `unknown stage ${JSON.stringify(json.stage)}` };
  }
  if (typeof json.access_token !== 'string' || !json.access_token) {
    return { kind: 'invalid', reason: 'access_token is missing' };
  }
  if (typeof json.task_result_callback_url !== 'string' || !json.task_result_callback_url) {
    return { kind: 'invalid', reason: 'task_result_callback_url is missing' };
  }
  return { kind: 'task', request: json as RunTaskRequest };
}
