using NUnit.Framework;

namespace Eaio.Routing.Tests.Audit;

/// <summary>
/// Stored audit records are verified against the hash of the JSON written when they were appended, so the entry's JSON
/// must never change: these are the exact texts the reflection-based serialiser wrote before the source-generated one.
/// </summary>
public sealed class AuditEntryJsonTests
{
    private const string Full =
        """{"Timestamp":"2026-12-07T13:04:05.1234567+00:00","RequestId":"req-1","ConversationId":"conv \u0022q\u0022 Z\u00FCrich","TenantId":null,"BuildingId":"Panther_office_Hannah","Provider":"openai","Model":"gpt-4o-mini","Privacy":"Private","Sensitivity":"Critical","Reasons":["pinned \u003Cprovider\u003E \u0026 model","budget \u002B5 %"],"EntityCounts":{"BUILDING":3,"EMAIL":1,"PHONE":2},"PayloadHmac":"ab12","InputTokens":54,"OutputTokens":null,"CostUsd":0.0000125,"LatencyMs":12.5,"Outcome":"success"}""";

    private const string Minimal =
        """{"Timestamp":"1970-01-01T00:00:00+00:00","RequestId":"r","ConversationId":null,"TenantId":null,"BuildingId":null,"Provider":"p","Model":"m","Privacy":"Public","Sensitivity":"Public","Reasons":[],"EntityCounts":{},"PayloadHmac":"h","InputTokens":null,"OutputTokens":null,"CostUsd":null,"LatencyMs":0,"Outcome":"blocked"}""";

    private static AuditEntry FullEntry(IReadOnlyDictionary<string, int> counts) => new()
    {
        Timestamp = new DateTimeOffset(2026, 12, 7, 13, 4, 5, 123, TimeSpan.Zero).AddTicks(4567),
        RequestId = "req-1",
        ConversationId = "conv \"q\" Zürich",
        BuildingId = "Panther_office_Hannah",
        Provider = "openai",
        Model = "gpt-4o-mini",
        Privacy = PrivacyLevel.Private,
        Sensitivity = DataSensitivity.Critical,
        Reasons = ["pinned <provider> & model", "budget +5 %"],
        EntityCounts = counts,
        PayloadHmac = "ab12",
        InputTokens = 54,
        CostUsd = 0.0000125m,
        LatencyMs = 12.5,
        Outcome = "success",
    };

    [Test]
    public void Entity_counts_in_any_order_serialise_to_the_same_text_as_always()
    {
        Dictionary<string, int> unsorted = new() { ["PHONE"] = 2, ["EMAIL"] = 1, ["BUILDING"] = 3 };
        Dictionary<string, int> sorted = new() { ["BUILDING"] = 3, ["EMAIL"] = 1, ["PHONE"] = 2 };

        Assert.Multiple(() =>
        {
            Assert.That(AuditChain.Serialize(FullEntry(unsorted)), Is.EqualTo(Full));
            Assert.That(AuditChain.Serialize(FullEntry(sorted)), Is.EqualTo(Full));
        });
    }

    [Test]
    public void An_entry_with_only_the_required_values_serialises_as_always_and_reads_back()
    {
        AuditEntry entry = new()
        {
            Timestamp = DateTimeOffset.UnixEpoch,
            RequestId = "r",
            Provider = "p",
            Model = "m",
            Privacy = PrivacyLevel.Public,
            Sensitivity = DataSensitivity.Public,
            PayloadHmac = "h",
            Outcome = "blocked",
        };

        string json = AuditChain.Serialize(entry);
        AuditEntry back = AuditChain.Deserialize(Full);

        Assert.Multiple(() =>
        {
            Assert.That(json, Is.EqualTo(Minimal));
            Assert.That(AuditChain.Serialize(back), Is.EqualTo(Full), "a stored entry reads back to the text it was stored as");
            Assert.That(back.EntityCounts["PHONE"], Is.EqualTo(2));
            Assert.That(back.ConversationId, Is.EqualTo("conv \"q\" Zürich"));
        });
    }
}
