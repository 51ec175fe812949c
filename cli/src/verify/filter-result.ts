/**
 * What the content filter did to one chat completion, read from the answer the service gave. Every content check
 * and the filtered burst read answers through `readFilterOutcome`, so the shapes are handled in one place
 * (docs/field-facts.md §4.3, §4.4, §7):
 * - filtered on the prompt side: HTTP 400, `error.code` `content_filter`, the per-category results under
 *   `innererror.content_filter_result` (singular, what the service sends) or `inner_error.content_filter_results`
 *   (plural, what the GA REST spec documents);
 * - filtered on the completion side: HTTP 200 with `finish_reason: "content_filter"` on a choice, the results under
 *   that choice's `content_filter_results`;
 * - anything else is not filtered. A model refusal ("I can't help with that", `finish_reason: "stop"`) is an
 *   answer of the model, never a filter result.
 */

/** The status and parsed body of a chat completion (an HttpAnswer fits). */
export interface ChatAnswer {
  readonly status: number;
  readonly json: any;
}

export interface FilterOutcome {
  readonly filtered: boolean;
  /** Which side the filter acted on, when it filtered. */
  readonly side?: 'prompt' | 'completion';
  /** Per-category results of the side that filtered. */
  readonly results?: any;
  /** Annotations of an answer: prompt_filter_results[0].content_filter_results and choices[0].content_filter_results. */
  readonly promptAnnotations?: any;
  readonly completionAnnotations?: any;
  /** ID of the custom blocklist that filtered, when one did. */
  readonly blocklist?: string;
}

/** `innererror` / `inner_error` and `content_filter_result` / `content_filter_results`, whichever is there. */
function innerResults(error: any): any {
  const inner = error?.innererror ?? error?.inner_error;
  return inner?.content_filter_result ?? inner?.content_filter_results;
}

/**
 * custom_blocklists is an array of {filtered, id} on older API versions and {filtered, details[]} on newer ones
 * (docs/field-facts.md §4.3): the ID of the list that filtered, or undefined.
 */
export function blocklistHit(results: any): string | undefined {
  const lists = results?.custom_blocklists;
  const entries: any[] = Array.isArray(lists) ? lists : Array.isArray(lists?.details) ? lists.details : [];
  const hit = entries.find((e) => e?.filtered === true);
  if (hit) return String(hit.id ?? '(unnamed)');
  return lists?.filtered === true ? '(unnamed)' : undefined;
}

export function readFilterOutcome(answer: ChatAnswer): FilterOutcome {
  const body = answer.json;
  if (answer.status === 400 && body?.error?.code === 'content_filter') {
    const results = innerResults(body.error);
    return { filtered: true, side: 'prompt', results, blocklist: blocklistHit(results) };
  }
  if (answer.status !== 200 || !Array.isArray(body?.choices)) return { filtered: false };
  const promptAnnotations = body.prompt_filter_results?.[0]?.content_filter_results;
  const completionAnnotations = body.choices[0]?.content_filter_results;
  const cut = body.choices.find((c: any) => c?.finish_reason === 'content_filter');
  if (cut) {
    const results = cut.content_filter_results;
    return {
      filtered: true,
      side: 'completion',
      results,
      promptAnnotations,
      completionAnnotations,
      blocklist: blocklistHit(results),
    };
  }
  return { filtered: false, promptAnnotations, completionAnnotations };
}

/** "filtered on the prompt side by blocklist X" / "not filtered" for details. */
export function describeOutcome(outcome: FilterOutcome): string {
  if (!outcome.filtered) return 'not filtered';
  const by = outcome.blocklist ? ` by blocklist ${outcome.blocklist}` : '';
  return outcome.side === 'prompt'
    ? `filtered on the prompt side (400 content_filter)${by}`
    : `filtered on the completion side (200, finish_reason content_filter)${by}`;
}
