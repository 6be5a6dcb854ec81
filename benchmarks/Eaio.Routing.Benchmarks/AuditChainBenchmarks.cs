using BenchmarkDotNet.Attributes;

namespace Eaio.Routing.Benchmarks;

/// <summary>One link of the audit chain, the part of every external call's audit record that hashes: plain SHA-256 (a
/// chain without <c>AUDIT_HMAC_KEY</c>) against HMAC-SHA256 under the derived key, over a typical record's JSON.</summary>
[MemoryDiagnoser]
public class AuditChainBenchmarks
{
    private readonly AuditChain _unkeyed = new(null);
    private readonly AuditChain _keyed = new("bench-audit-key-0123456789"u8.ToArray());
    private readonly string _previous = new('a', 64);
    private string _json = null!;

    [GlobalSetup]
    public void Setup() => _json = AuditChain.Serialize(new AuditEntry
    {
        Timestamp = DateTimeOffset.UnixEpoch,
        RequestId = Guid.Empty.ToString("N"),
        TenantId = "tenant-a",
        Provider = EaioProviders.OpenAI,
        Model = "gpt-4o-mini",
        Privacy = PrivacyLevel.Enhanced,
        Sensitivity = DataSensitivity.Sensitive,
        Reasons = ["privacy ENHANCED: sanitised external allowed", "complexity 0.85 > 0.8: external by domain"],
        EntityCounts = new Dictionary<string, int> { [EntityTypes.Email] = 1, [EntityTypes.Building] = 2 },
        PayloadHmac = new string('b', 64),
        InputTokens = 1200,
        OutputTokens = 300,
        CostUsd = 0.00036m,
        LatencyMs = 812.5,
        Outcome = "ok",
    });

    [Benchmark(Baseline = true, Description = "link, SHA-256 (unkeyed)")]
    public string Sha256() => _unkeyed.Link(_previous, 123456, _json);

    [Benchmark(Description = "link, HMAC-SHA256 (AUDIT_HMAC_KEY)")]
    public string HmacSha256() => _keyed.Link(_previous, 123456, _json);
}
