/**
 * What a stage does when it takes longer than its frame budget in live mode.
 *   drop     the late frame is delivered, later frames are skipped at this stage until it has caught up
 *   degrade  step down the stage's ladder of cheaper modes; step back up when headroom returns
 *   bypass   pass frames through unprocessed for a while, then probe the stage again
 *   fail     stop the pipeline with an error naming the stage, frame and time
 * Offline mode processes every frame and only counts overruns.
 */
export const OVERRUN_POLICIES = ['drop', 'degrade', 'bypass', 'fail'] as const;
export type OverrunPolicy = (typeof OVERRUN_POLICIES)[number];

export function isOverrunPolicy(value: string): value is OverrunPolicy {
  return (OVERRUN_POLICIES as readonly string[]).includes(value);
}

/** `degrade` or `sr=degrade,calibration=bypass` (a bare policy is the default for every stage). */
export interface OverrunPolicySpec {
  readonly defaultPolicy: OverrunPolicy;
  readonly perStage: Readonly<Record<string, OverrunPolicy>>;
}

export function parseOverrunPolicySpec(text: string, flag = '--on-overrun'): OverrunPolicySpec {
  let defaultPolicy: OverrunPolicy = 'degrade';
  const perStage: Record<string, OverrunPolicy> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') throw new RangeError(`${flag}: empty entry in '${text}'; expected policy or stage=policy`);
    const eq = part.indexOf('=');
    const stage = eq >= 0 ? part.slice(0, eq).trim() : '';
    const policy = eq >= 0 ? part.slice(eq + 1).trim() : part;
    if (!isOverrunPolicy(policy)) {
      throw new RangeError(`${flag}: unknown policy '${policy}'; expected one of ${OVERRUN_POLICIES.join(', ')} (optionally as stage=policy)`);
    }
    if (eq >= 0) {
      if (stage === '') throw new RangeError(`${flag}: missing stage name before '=' in '${part}'`);
      perStage[stage] = policy;
    } else {
      defaultPolicy = policy;
    }
  }
  return { defaultPolicy, perStage };
}

export function policyFor(spec: OverrunPolicySpec, stage: string): OverrunPolicy {
  return spec.perStage[stage] ?? spec.defaultPolicy;
}

/** The spec back in `--on-overrun` syntax. */
export function formatOverrunPolicySpec(spec: OverrunPolicySpec): string {
  return [spec.defaultPolicy, ...Object.entries(spec.perStage).map(([stage, policy]) => `${stage}=${policy}`)].join(',');
}
