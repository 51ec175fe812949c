// The checklist model on plan JSON shaped as Terraform really writes it. Each shape below was seen in Terraform
// 1.11.4's `terraform show -json` of the reference stack (first plan, and the plan after apply), run offline by
// __tests__/terraform/reference.tf.test.ts, which also asserts the whole reference plan judges with no error.
import { loadModel } from '../lib/checklist/model';

const SUBNET_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe';

function plan(
  resources: Array<{ address: string; type: string; values: Record<string, unknown> }>,
  config: any[] = [],
) {
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: {
      root_module: {
        resources: resources.map((r) => ({ ...r, mode: 'managed', name: r.address.split('.')[1] })),
      },
    },
    resource_changes: resources.map((r) => ({
      address: r.address,
      type: r.type,
      mode: 'managed',
      change: { actions: ['no-op'], after: r.values, after_unknown: {} },
    })),
    configuration: { root_module: { resources: config } },
  };
}

describe('plan JSON after the first apply: known IDs stand where the configuration wrote references', () => {
  const model = loadModel(
    plan([
      { address: 'azurerm_subnet.pe', type: 'azurerm_subnet', values: { id: SUBNET_ID, name: 'snet-pe' } },
      // azurerm's subnet-NSG association takes its subnet's ID (resource ID parser in the azurerm source:
      // internal/services/network/subnet_network_security_group_association_resource.go).
      {
        address: 'azurerm_subnet_network_security_group_association.pe',
        type: 'azurerm_subnet_network_security_group_association',
        values: { id: SUBNET_ID, subnet_id: SUBNET_ID },
      },
      {
        address: 'azurerm_private_endpoint.pe',
        type: 'azurerm_private_endpoint',
        values: { id: '/subscriptions/x/pe', subnet_id: SUBNET_ID.toUpperCase() },
      },
    ]),
    'plan.json',
  );

  test('a literal ID equal to a resource known ID resolves to that resource (case-insensitive, as Azure IDs)', () => {
    const pe = model.get('azurerm_private_endpoint.pe')!;
    expect(model.references(pe.values.subnet_id)).toEqual(
      expect.arrayContaining(['azurerm_subnet.pe', 'azurerm_subnet_network_security_group_association.pe']),
    );
  });

  test('an ID that no resource here holds resolves to nothing', () => {
    expect(model.references(`${SUBNET_ID}-other`)).toEqual([]);
  });
});

describe('plan JSON of the first apply: unknown values bound from the configuration', () => {
  const roleTemplate =
    '${join("/", slice(split("/", azurerm_cognitive_account.a.id), 0, 3))}/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd';
  const doc = plan(
    [
      {
        address: 'azurerm_cognitive_account.a',
        type: 'azurerm_cognitive_account',
        values: { kind: 'OpenAI' },
      },
      { address: 'azurerm_role_assignment.r', type: 'azurerm_role_assignment', values: {} },
    ],
    [
      {
        address: 'azurerm_role_assignment.r',
        mode: 'managed',
        type: 'azurerm_role_assignment',
        name: 'r',
        // A .tf.json template: Terraform keeps its text as constant_value beside the references it names.
        expressions: {
          role_definition_id: {
            constant_value: roleTemplate,
            references: ['azurerm_cognitive_account.a.id', 'azurerm_cognitive_account.a'],
          },
        },
      },
    ],
  );
  (doc.resource_changes[1].change as any).after_unknown = { role_definition_id: true };
  (doc.resource_changes[1].change as any).actions = ['create'];

  test('a template keeps its literal parts (the role GUID) and its references', () => {
    const model = loadModel(doc, 'plan.json');
    const r = model.get('azurerm_role_assignment.r')!;
    expect(r.values.role_definition_id).toBe(roleTemplate);
    expect(model.references(r.values.role_definition_id)).toContain('azurerm_cognitive_account.a');
  });
});

describe('first plan of a .tf.json configuration: unknown leaves of an azapi body', () => {
  // Seen in Terraform 1.11.4's plan of the reference stack: the subnet body is planned with the NSG ID unknown
  // (after_unknown body.properties.networkSecurityGroup.id), and the configuration keeps the body as constant_value.
  const NSG = '${azurerm_network_security_group.pe.id}';
  const subnet = (body: any, unknown: any) => {
    const doc: any = plan(
      [{ address: 'azapi_resource.snet', type: 'azapi_resource', values: { body } }],
      [
        {
          address: 'azapi_resource.snet',
          type: 'azapi_resource',
          expressions: {
            body: {
              constant_value: {
                properties: { addressPrefixes: ['10.0.1.0/24'], networkSecurityGroup: { id: NSG } },
              },
              references: ['azurerm_network_security_group.pe.id', 'azurerm_network_security_group.pe'],
            },
          },
        },
      ],
    );
    doc.resource_changes[0].change.after_unknown = unknown;
    return loadModel(doc, 'plan.json').get('azapi_resource.snet')!.values.body.properties;
  };

  test("an unknown leaf takes the configuration's template at its path, so the reference resolves", () => {
    const p = subnet(
      { properties: { addressPrefixes: ['10.0.1.0/24'], networkSecurityGroup: {} } },
      { body: { properties: { networkSecurityGroup: { id: true } } } },
    );
    expect(p.networkSecurityGroup.id).toBe(NSG);
    expect(p.addressPrefixes).toEqual(['10.0.1.0/24']);
  });

  test('a leaf the plan knows to be null stays null: only after_unknown leaves take the template', () => {
    const p = subnet(
      { properties: { addressPrefixes: ['10.0.1.0/24'], networkSecurityGroup: { id: null } } },
      {},
    );
    expect(p.networkSecurityGroup.id).toBeNull();
  });

  test('a known leaf keeps its planned value (the configuration does not override what Terraform planned)', () => {
    const known =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/other';
    const p = subnet(
      { properties: { addressPrefixes: ['10.0.1.0/24'], networkSecurityGroup: { id: known } } },
      {},
    );
    expect(p.networkSecurityGroup.id).toBe(known);
  });
});
