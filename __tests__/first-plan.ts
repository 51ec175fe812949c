/** Turn cdk.tf.json into the shape of a first plan: references become unknown values bound in `configuration`. */
export function asFirstPlan(config: any): any {
  const planned: any[] = [];
  const configured: any[] = [];
  const changes: any[] = [];
  const split = (values: any): { known: any; expressions: any } => {
    const known: any = {};
    const expressions: any = {};
    for (const [k, v] of Object.entries<any>(values)) {
      if (k === '//' || k === 'lifecycle' || k === 'depends_on') continue;
      const refs =
        typeof v === 'string'
          ? [...v.matchAll(/\$\{(?:[^}]*?\()?((?:data\.)?[a-z_]+\.[A-Za-z0-9_-]+)(\.[a-z_]+)?/g)].map(
              (m) => `${m[1]}${m[2] ?? ''}`,
            )
          : [];
      if (refs.length) {
        expressions[k] = { references: [refs[0], refs[0].split('.').slice(0, 2).join('.')] };
      } else if (v && typeof v === 'object' && !Array.isArray(v) && !/body|input|tags/.test(k)) {
        const inner = split(v);
        known[k] = [inner.known];
        expressions[k] = [inner.expressions];
      } else {
        known[k] = v;
      }
    }
    return { known, expressions };
  };
  for (const [type, byName] of Object.entries<any>(config.resource)) {
    for (const [name, values] of Object.entries<any>(byName)) {
      const address = `${type}.${name}`;
      const { known, expressions } = split(values);
      planned.push({ address, mode: 'managed', type, name, values: known });
      configured.push({
        address,
        mode: 'managed',
        type,
        name,
        expressions,
        ...(values.depends_on ? { depends_on: values.depends_on } : {}),
      });
      changes.push({
        address,
        type,
        change: {
          actions: ['create'],
          after_unknown: Object.fromEntries(Object.keys(expressions).map((k) => [k, true])),
        },
      });
    }
  }
  return {
    format_version: '1.2',
    planned_values: { root_module: { resources: planned } },
    resource_changes: changes,
    configuration: { root_module: { resources: configured } },
  };
}
