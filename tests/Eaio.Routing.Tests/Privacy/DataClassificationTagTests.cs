using Microsoft.Extensions.AI;
using Microsoft.Extensions.Compliance.Classification;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class DataClassificationTagTests
{
    private static readonly DataClassification s_internal = new("Contoso", "Internal");
    private static readonly DataClassification s_unknown = new("Contoso", "Unlabelled");

    [Test]
    public async Task Compliance_classifications_count_as_tags()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.DataClassifications[s_internal] = DataSensitivity.Sensitive);
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);

        DataSensitivity Of(DataClassification c) => h.Router.Explain([new ChatMessage(ChatRole.User, "hello").WithClassification(c)], options).Profile.Sensitivity;

        Assert.That(Of(EaioDataClassifications.Critical), Is.EqualTo(DataSensitivity.Critical));
        Assert.That(Of(EaioDataClassifications.Sensitive), Is.EqualTo(DataSensitivity.Sensitive));
        Assert.That(Of(s_internal), Is.EqualTo(DataSensitivity.Sensitive), "mapped by the host");
        Assert.That(Of(s_unknown), Is.EqualTo(DataSensitivity.Critical), "an unmapped label never lets data out");
        Assert.That(Of(DataClassification.None), Is.EqualTo(DataSensitivity.Public));
    }

    [Test]
    public async Task A_mapped_classification_does_not_trip_the_egress_guard()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.DataClassifications[s_internal] = DataSensitivity.Sensitive);

        ChatResponse response = await h.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Which lamps use the least power?").WithClassification(s_internal)],
            RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public));

        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.OpenAI));
    }
}
