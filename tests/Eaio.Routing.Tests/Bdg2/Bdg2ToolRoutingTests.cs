using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The BDG2 tools through the whole pipeline: UseFunctionInvocation above the router, real OpenAI and OllamaSharp
/// clients over HTTP to loopback servers. The external model asks for a tool; what the tool returns decides where the
/// conversation goes next.
/// </summary>
[CancelAfter(60_000)]
public sealed class Bdg2ToolRoutingTests
{
    private const string Building = "Bobcat_education_Dylan";

    [TestCase(false)]
    [TestCase(true)]
    public async Task After_a_critical_tool_result_the_conversation_stays_local(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(pipeline: b => b.UseFunctionInvocation());
        Bdg2Dataset dataset = Bdg2Dataset.Open(RepositoryPaths.Data("bdg2"));
        ChatOptions options = Options(new Bdg2Tools(dataset).Create());
        h.OpenAI.Enqueue(LoopbackReply.ToolCall("bdg2_consumption_summary", $$"""{"buildingId":"{{Building}}","meter":"solar"}""", 40, 12));
        List<ChatMessage> conversation = [new(ChatRole.User, "How much did the roof panels produce over the two years?")];

        ChatResponse first = await Ask(h.Chat, conversation, options, streaming);
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.User, "Was that a good result?"));
        ChatResponse second = await Ask(h.Chat, conversation, options, streaming);

        string total = ConsumptionSummary.Compute(dataset.ReadMeter(Building, MeterType.Solar)).Total.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(h.OpenAI.ChatRequestCount, Is.EqualTo(1), "only the first request, before any building data, went out");
        Assert.That(h.Ollama.ChatRequestCount, Is.EqualTo(2), "the tool result's answer and the next turn were local");
        Assert.That(first.Text, Is.EqualTo("Local answer."));
        Assert.That(second.Text, Is.EqualTo("Local answer."));
        Assert.That(first.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result, Is.InstanceOf<ISensitivityTagged>());
        Assert.That(h.Ollama.Requests[^1].Body, Does.Contain(total[..6]), "the local model received the tool's figures");
        Assert.That(h.Ollama.Requests[^1].Body, Does.Contain("Critical"), "and the declared sensitivity, by name");
        Assert.That(h.ExternalRequests.Select(r => r.Body), Has.None.Contains(total[..6]));
        Assert.That(h.Router.Explain(conversation, options).Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
    }

    [Test]
    public async Task After_a_public_weather_result_the_conversation_may_still_go_out()
    {
        using GeneratedBdg2Folder data = new();
        await using RouterHarness h = await RouterHarness.StartAsync(pipeline: b => b.UseFunctionInvocation());
        ChatOptions options = Options(new Bdg2Tools(Bdg2Dataset.Open(data.Folder)).Create());
        h.OpenAI.Enqueue(LoopbackReply.ToolCall("bdg2_site_weather", """{"siteId":"Heron"}""", 40, 12));

        ChatResponse response = await h.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, "How cold does it get there in winter?")], options);

        Assert.That(response.Text, Is.EqualTo("OpenAI answer."));
        Assert.That(h.OpenAI.ChatRequestCount, Is.EqualTo(2), "weather alone is PUBLIC: the follow-up went out too");
        Assert.That(h.Ollama.ChatRequestCount, Is.Zero);
        object? result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result;
        Assert.That(((ISensitivityTagged)result!).Sensitivity, Is.EqualTo(DataSensitivity.Public));
    }

    [Test]
    public void The_tools_declare_the_sensitivity_of_what_they_return()
    {
        using GeneratedBdg2Folder data = new();
        Dictionary<string, AIFunction> tools = new Bdg2Tools(Bdg2Dataset.Open(data.Folder)).Create().ToDictionary(t => t.Name);

        Assert.That(tools.Keys, Is.EquivalentTo(new[]
        {
            "bdg2_find_buildings", "bdg2_consumption_summary", "bdg2_energy_use_intensity", "bdg2_load_profile", "bdg2_data_quality",
            "bdg2_anomalies", "bdg2_benchmark_building", "bdg2_peer_group_statistics", "bdg2_weather_sensitivity", "bdg2_site_weather",
        }));
        Assert.That(tools.Values.Select(t => t.Description), Has.All.Length.GreaterThan(40));
        Assert.That(Sensitivity(tools["bdg2_load_profile"], new() { ["buildingId"] = "Otter_office_Dee", ["meter"] = "electricity" }), Is.EqualTo(DataSensitivity.Critical));
        Assert.That(Sensitivity(tools["bdg2_benchmark_building"], new() { ["buildingId"] = "Otter_office_Dee", ["meter"] = "electricity" }), Is.EqualTo(DataSensitivity.Critical));
        Assert.That(Sensitivity(tools["bdg2_weather_sensitivity"], new() { ["buildingId"] = "Otter_office_Dee", ["meter"] = "electricity" }), Is.EqualTo(DataSensitivity.Critical));
        Assert.That(Sensitivity(tools["bdg2_peer_group_statistics"], new() { ["primaryUse"] = "Office", ["meter"] = "electricity" }), Is.EqualTo(DataSensitivity.Sensitive));
        Assert.That(Sensitivity(tools["bdg2_site_weather"], new() { ["siteId"] = "Otter" }), Is.EqualTo(DataSensitivity.Public));
        Assert.That(
            async () => await tools["bdg2_peer_group_statistics"].InvokeAsync(new() { ["primaryUse"] = "Education", ["meter"] = "electricity" }),
            Throws.InvalidOperationException.With.Message.Contains("at least 5"),
            "four education buildings are too few for an aggregate");
        Assert.That(Bdg2Tools_without_weather_have_no_weather_tools(), Is.True);
    }

    private static bool Bdg2Tools_without_weather_have_no_weather_tools() =>
        new Bdg2Tools(Bdg2Dataset.Open(RepositoryPaths.Data("bdg2"))).Create().All(t => !t.Name.Contains("weather", StringComparison.Ordinal));

    private static DataSensitivity Sensitivity(AIFunction tool, AIFunctionArguments arguments) =>
        ((ISensitivityTagged)tool.InvokeAsync(arguments).AsTask().GetAwaiter().GetResult()!).Sensitivity;

    private static ChatOptions Options(IReadOnlyList<AIFunction> tools)
    {
        // PUBLIC and a general domain: without the tool result the router would prefer the external model.
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; });
        options.Tools = [.. tools];
        return options;
    }

    private static async Task<ChatResponse> Ask(IChatClient chat, List<ChatMessage> conversation, ChatOptions options, bool streaming) =>
        streaming
            ? await chat.GetStreamingResponseAsync(conversation, options).ToChatResponseAsync()
            : await chat.GetResponseAsync(conversation, options);
}
