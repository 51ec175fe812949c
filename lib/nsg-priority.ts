import { createHash } from 'crypto';
import { fail, isUnresolved } from './validation';

/** The deny-all inbound rule's priority: every allow rule sits before it. */
export const DENY_ALL_PRIORITY = 4096;
/** Lowest priority Azure accepts for a security rule (100-4096: Learn, network-security-groups-overview). */
export const MIN_RULE_PRIORITY = 100;
/** Derived priorities fall in [MIN_RULE_PRIORITY, MIN_RULE_PRIORITY + DERIVED_PRIORITY_SLOTS). */
export const DERIVED_PRIORITY_SLOTS = 3900;

/**
 * The priority an allow rule gets when none is given: derived from the rule's own key (its source name, and in an
 * NSG shared with the platform the account name too), never from its position. Prepending or removing a source
 * therefore changes only that source's rule: Azure refuses two inbound rules with one priority in an NSG
 * (SecurityRuleConflict), and renumbering several rules in one apply collides in flight
 * (hashicorp/terraform-provider-azurerm#11137, #19202).
 *
 * Scheme: 100 + (first 32 bits of SHA-256("<key>"), big-endian) mod 3900, so 100-3999; 4000-4095 stay free for
 * explicit priorities below the deny-all rule at 4096. Collisions are refused at synth (checkPriorityCollisions),
 * naming both sources; the fix is an explicit `priority` on one of them.
 * @internal
 */
export function derivedPriority(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return MIN_RULE_PRIORITY + (digest.readUInt32BE(0) % DERIVED_PRIORITY_SLOTS);
}

/** A source as the priority check sees it: its field path, its name and its (explicit or derived) priority. */
export interface PrioritizedSource {
  readonly field: string;
  readonly name: string;
  readonly priority: number;
  readonly explicit: boolean;
}

/**
 * Refuse two literal priorities that collide, naming both sources and the fix (an explicit priority on one).
 * @internal
 */
export function checkPriorityCollisions(sources: PrioritizedSource[]): void {
  const seen = new Map<number, PrioritizedSource>();
  for (const s of sources) {
    if (isUnresolved(s.priority)) continue;
    const other = seen.get(s.priority);
    if (other) {
      const derived = [other, s].filter((x) => !x.explicit).map((x) => x.field);
      fail(
        `${s.field}.priority`,
        s.priority,
        `NSG priorities must be unique, and ${other.field} (${other.name}) has ${s.priority} too${
          derived.length ? ` (derived from the name: ${derived.join(', ')})` : ''
        }; give one of them an explicit priority (${MIN_RULE_PRIORITY}-${DENY_ALL_PRIORITY - 1}).`,
      );
    }
    seen.set(s.priority, s);
  }
}
