import { NAME_LIMITS, NamingScheme, fitName, nameFromResourceId } from '../lib/naming';

describe('naming scheme', () => {
  test('names are <abbreviation>-<prefix>[-<qualifier>] and differ per account', () => {
    const a = NamingScheme.fromAccount('aoai-dev');
    const b = NamingScheme.fromAccount('aoai-prod');
    expect(a.name('nsg', NAME_LIMITS.NETWORK_SECURITY_GROUP, 'pe')).toBe('nsg-aoai-dev-pe');
    expect(b.name('nsg', NAME_LIMITS.NETWORK_SECURITY_GROUP, 'pe')).toBe('nsg-aoai-prod-pe');
    expect(a.name('rg', NAME_LIMITS.RESOURCE_GROUP)).toBe('rg-aoai-dev');
  });
  test('over-long names keep their head, end in a hash of the full name, and stay distinct and stable', () => {
    // privateDnsZones/virtualNetworkLinks: 1-80 characters (Learn, resource-name-rules).
    const long = 'x'.repeat(70);
    const one = NamingScheme.fromAccount(long).name('link', NAME_LIMITS.DNS_ZONE_LINK, 'vnet-spoke-1');
    const two = NamingScheme.fromAccount(long).name('link', NAME_LIMITS.DNS_ZONE_LINK, 'vnet-spoke-2');
    expect(one).toHaveLength(80);
    expect(two).toHaveLength(80);
    expect(one).not.toBe(two);
    expect(one).toMatch(/^link-x+-[0-9a-f]{6}$/);
    expect(NamingScheme.fromAccount(long).name('link', 80, 'vnet-spoke-1')).toBe(one);
  });
  test('a cut never leaves a trailing hyphen before the hash', () => {
    const name = fitName(`${'a'.repeat(56)}----------bbbb`, 64);
    expect(name).toMatch(/^a{56}-[0-9a-f]{6}$/);
  });
  test('explicit prefixes are validated', () => {
    expect(NamingScheme.fromPrefix('contoso-aoai-prod').prefix).toBe('contoso-aoai-prod');
    expect(() => NamingScheme.fromPrefix('Contoso_AOAI')).toThrow(/namePrefix: invalid value "Contoso_AOAI"/);
    expect(() => NamingScheme.fromPrefix('a'.repeat(65))).toThrow(/1 to 64/);
  });
  test('the name of a resource ID is its last segment', () => {
    expect(
      nameFromResourceId(
        '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet-hub',
      ),
    ).toBe('vnet-hub');
    expect(nameFromResourceId('${azurerm_virtual_network.x.id}')).toBe('${azurerm_virtual_network.x.id}');
  });
});
