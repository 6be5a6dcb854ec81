using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Eaio.Routing;
using Microsoft.Extensions.Configuration;

namespace Eaio.Routing.Gateway;

/// <summary>The gateway's API keys, read from <c>Gateway:Keys</c>; only their SHA-256 hashes are kept in memory.</summary>
/// <remarks>
/// Keys are looked up by hash, so the lookup does not compare the secret character by character (no timing signal
/// about how much of a guess was right), and a memory dump or a log of this object shows no key.
/// </remarks>
internal sealed class GatewayKeyStore
{
    /// <summary>The shortest key accepted: shorter keys are guessable.</summary>
    public const int MinimumKeyLength = 16;

    private readonly Dictionary<string, GatewayKey> _byHash;

    private GatewayKeyStore(Dictionary<string, GatewayKey> byHash, IReadOnlyList<GatewayKey> keys)
    {
        _byHash = byHash;
        Keys = keys;
    }

    /// <summary>Gets every configured key's rights, in configuration order.</summary>
    public IReadOnlyList<GatewayKey> Keys { get; }

    /// <summary>Reads and validates the keys.</summary>
    /// <param name="section">The <c>Gateway:Keys</c> section: a list of <c>{ Key, Tenant, MaxPrivacy, MonthlyBudgetUsd, Admin }</c>.</param>
    /// <returns>The store.</returns>
    /// <exception cref="EaioConfigurationException">A key is missing, short, repeated, or has an invalid tenant, privacy, budget or admin flag
    /// (a tenant name with ':' or differing from another only in case is invalid); the message never shows a key.</exception>
    public static GatewayKeyStore Load(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        List<string> errors = [];
        Dictionary<string, GatewayKey> byHash = new(StringComparer.Ordinal);
        List<GatewayKey> keys = [];
        Dictionary<string, decimal?> tenantBudgets = new(StringComparer.Ordinal);
        // Tenant names become configuration keys (TenantBudgets:<tenant>, ClientPrivacy:<tenant>), which ignore case:
        // 'acme' and 'Acme' would silently share or overwrite one budget, so they are refused instead.
        Dictionary<string, (string Name, string Path)> tenantsIgnoringCase = new(StringComparer.OrdinalIgnoreCase);

        int index = 0;
        foreach (IConfigurationSection entry in section.GetChildren())
        {
            string path = $"Gateway:Keys:{entry.Key}";
            string? secret = entry["Key"];
            string? tenant = entry["Tenant"];
            string? privacyText = entry["MaxPrivacy"];
            string? budgetText = entry["MonthlyBudgetUsd"];
            string? adminText = entry["Admin"];
            int before = errors.Count;

            if (string.IsNullOrWhiteSpace(secret) || secret.Length < MinimumKeyLength)
            {
                errors.Add($"{path}:Key must be set to at least {MinimumKeyLength} characters (for example `openssl rand -hex 24`); the value is not shown.");
            }

            if (string.IsNullOrWhiteSpace(tenant))
            {
                errors.Add($"{path}:Tenant must name the tenant whose budget the key spends.");
            }
            else if (tenant.Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{path}:Tenant '{tenant}' contains ':'; tenant names become configuration keys (TenantBudgets:<tenant>), where ':' separates sections, so it is not allowed.");
            }
            else if (tenantsIgnoringCase.TryGetValue(tenant, out (string Name, string Path) first) && !string.Equals(first.Name, tenant, StringComparison.Ordinal))
            {
                errors.Add($"{path}:Tenant '{tenant}' differs from tenant '{first.Name}' ({first.Path}) only in case; tenant names become configuration keys, which ignore case, so they must differ by more than case (or be spelled the same).");
            }
            else
            {
                tenantsIgnoringCase.TryAdd(tenant, (tenant, path));
            }

            PrivacyLevel privacy = PrivacyLevel.Private;
            if (privacyText is not null && !PrivacyLevels.TryParse(privacyText, out privacy))
            {
                errors.Add($"{path}:MaxPrivacy is '{privacyText}'; allowed: Private, Enhanced, Public.");
            }

            decimal? budget = null;
            if (budgetText is not null)
            {
                if (decimal.TryParse(budgetText, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal parsed) && parsed >= 0m)
                {
                    budget = parsed;
                }
                else
                {
                    errors.Add($"{path}:MonthlyBudgetUsd is '{budgetText}'; allowed: a number of US dollars, 0 or more.");
                }
            }

            bool admin = false;
            if (adminText is not null && !bool.TryParse(adminText, out admin))
            {
                errors.Add($"{path}:Admin is '{adminText}'; allowed: true, false.");
            }

            if (errors.Count > before)
            {
                index++;
                continue;
            }

            // A budget belongs to the tenant, not to a key: two keys of one tenant must not disagree about it.
            if (tenantBudgets.TryGetValue(tenant!, out decimal? other) && other != budget)
            {
                errors.Add($"{path}:MonthlyBudgetUsd differs from another key of tenant '{tenant}'; a tenant has one budget.");
            }

            tenantBudgets[tenant!] = budget;
            GatewayKey key = new(index, tenant!, privacy, budget, admin);
            if (!byHash.TryAdd(Hash(secret!), key))
            {
                errors.Add($"{path}:Key repeats an earlier key; each key must be unique.");
            }

            keys.Add(key);
            index++;
        }

        if (keys.Count == 0 && errors.Count == 0)
        {
            errors.Add("Gateway:Keys is empty: add at least one key ({ \"Key\": \"…\", \"Tenant\": \"…\", \"MaxPrivacy\": \"Private\" }), for example as Gateway__Keys__0__Key, Gateway__Keys__0__Tenant and Gateway__Keys__0__MaxPrivacy in the environment.");
        }

        if (errors.Count > 0)
        {
            throw new EaioConfigurationException(errors);
        }

        return new GatewayKeyStore(byHash, keys);
    }

    /// <summary>Finds the key of a request's <c>Authorization: Bearer …</c> header.</summary>
    /// <param name="authorization">The header's value, or <see langword="null"/>.</param>
    /// <returns>The key's rights, or <see langword="null"/> when the header is missing, malformed or names no key.</returns>
    public GatewayKey? Find(string? authorization)
    {
        const string Bearer = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        ReadOnlySpan<char> secret = authorization.AsSpan(Bearer.Length).Trim();
        return secret.Length == 0 ? null : _byHash.GetValueOrDefault(Hash(secret));
    }

    private static string Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> utf8 = secret.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        int written = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], hash);
        CryptographicOperations.ZeroMemory(utf8);
        return Convert.ToHexString(hash);
    }
}
