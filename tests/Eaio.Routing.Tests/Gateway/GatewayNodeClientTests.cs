using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The gateway driven by the official <c>openai</c> npm package (tests/gateway-node), as a JavaScript team would use it:
/// streaming and non-streaming chat, a PRIVATE key that must stay local, a budget refusal, a 401, an unknown path, and
/// tools: a manual tool loop whose e-mail and building never reach the upstream unmasked, runTools with parallel calls,
/// a streamed tool call, a LangChain agent loop (bindTools, the tool's ToolMessage, the final answer);
/// <c>responses.create</c> (text and stream) and <c>embeddings.create</c>; and the Vercel AI SDK's
/// default OpenAI provider, which calls <c>/v1/responses</c> (generateText, streamText, a two-turn conversation with its
/// default <c>store: true</c>, whose second turn names the first answer by <c>item_reference</c>, a tool loop).
/// </summary>
/// <remarks>
/// Needs Node.js and <c>npm ci</c> in tests/gateway-node (<c>.ci/run</c> does both). Without them the test is skipped
/// with a message saying so, except in CI (<c>CI</c> set), where a missing client must fail the run instead of passing
/// it unnoticed.
/// </remarks>
public sealed class GatewayNodeClientTests
{
    private const string Marker = "EAIO-PRIVATE-MARKER-5c1e";
    private const string Email = "jane.doe@example.com";
    private const string Building = "Panther_office_Hannah";

    /// <param name="clientPackage">The installed client: <c>openai</c> (6.x) or <c>openai-7</c> (an npm alias of openai 7.x).</param>
    [TestCase("openai")]
    [TestCase("openai-7")]
    public async Task The_official_OpenAI_JavaScript_client_gets_the_routing_privacy_and_budget_guarantees(string clientPackage)
    {
        string folder = Path.Combine(RepositoryPaths.Root(), "tests", "gateway-node");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", clientPackage)))
        {
            SkipOrFail($"tests/gateway-node/node_modules is missing: run `npm ci` in {folder} (needs Node.js 20+ and the npm registry).");
        }

        await using GatewayHarness gateway = await GatewayHarness.StartAsync();
        gateway.OpenAI.Responder = request => ToolReply(request) ?? gateway.OpenAI.DefaultReply;
        ProcessStartInfo start = new("node", "gateway.test.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["EAIO_OPENAI_PACKAGE"] = clientPackage;
        start.Environment["EAIO_GATEWAY_URL"] = new Uri(gateway.BaseUri, "v1").ToString();
        start.Environment["EAIO_PUBLIC_KEY"] = GatewayHarness.PublicKey;
        start.Environment["EAIO_PRIVATE_KEY"] = GatewayHarness.PrivateKey;
        start.Environment["EAIO_TINY_BUDGET_KEY"] = GatewayHarness.TinyBudgetKey;
        start.Environment["EAIO_PRIVATE_MARKER"] = Marker;

        Process? node;
        try
        {
            node = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            SkipOrFail($"Node.js could not be started ({ex.Message}): install Node.js 20+.");
            return;
        }

        using Process process = node!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The Node.js client did not finish within 120 s.\n" + await output);
        }

        string log = await output + await errors;
        TestContext.Out.WriteLine(log);
        Assert.That(process.ExitCode, Is.Zero, log);
        Assert.That(log, Does.Contain(", 0 failed"));

        // The PRIVATE key's two questions and its embedding reached the local model, and not one byte of them the external provider.
        Assert.That(gateway.Ollama.Requests.Count(r => r.Path == "/api/chat" && r.Body.Contains(Marker, StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(gateway.Ollama.Requests.Count(r => r.Path == "/api/embed" && r.Body.Contains(Marker, StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(gateway.OpenAI.Requests.Where(r => r.Body.Contains(Marker, StringComparison.Ordinal)), Is.Empty);

        // Exactly the two PUBLIC chats, the five with logprobs (openai twice, the AI SDK twice, LangChain), the six tool turns, the two Responses calls, the AI SDK's two texts, its two-turn
        // conversation with default settings and its two tool steps, and LangChain's invoke, stream, tool call and agent
        // loop (two turns) went out, and one embedding: the budget refusal, the PRIVATE logprobs refusal, the 401 and the
        // unknown path sent nothing.
        Assert.That(gateway.OpenAI.ChatRequestCount, Is.EqualTo(26));

        // The AI SDK's second turn named its first answer by item_reference; the provider got the answer itself in its place.
        JsonArray followUp = JsonNode.Parse(gateway.OpenAI.Requests.Single(r => r.Body.Contains("And a MWh?", StringComparison.Ordinal)).Body)!["messages"]!.AsArray();
        Assert.That(followUp.Select(m => m!["role"]!.GetValue<string>()), Is.EqualTo(new[] { "user", "assistant", "user" }));
        Assert.That(followUp[1]!["content"]!.ToJsonString(), Does.Contain("OpenAI answer."));
        Assert.That(gateway.OpenAI.Requests.Count(r => r.Path.EndsWith("/embeddings", StringComparison.Ordinal)), Is.EqualTo(1));

        // The tool loop's e-mail (in the arguments the client sent back) and building (in the tool result) left masked.
        Assert.That(gateway.OpenAI.Requests.Where(r => r.Body.Contains(Email, StringComparison.Ordinal) || r.Body.Contains(Building, StringComparison.Ordinal)), Is.Empty);
        Assert.That(gateway.OpenAI.Requests.Count(r => r.Body.Contains("\"role\":\"tool\"", StringComparison.Ordinal)), Is.EqualTo(4), "the manual loop, runTools, the AI SDK and the LangChain agent each sent their tool results");

        // The LangChain agent's second turn: the tool message answers the call the gateway issued, with the building masked.
        JsonNode agentTurn = JsonNode.Parse(gateway.OpenAI.Requests.Last(r => r.Body.Contains("\"role\":\"tool\"", StringComparison.Ordinal)).Body)!;
        JsonArray turn = agentTurn["messages"]!.AsArray();
        JsonNode toolMessage = turn.Last(m => m!["role"]!.GetValue<string>() == "tool")!;
        JsonNode assistant = turn.Last(m => m!["role"]!.GetValue<string>() == "assistant")!;
        Assert.That(toolMessage["tool_call_id"]!.GetValue<string>(), Is.EqualTo(assistant["tool_calls"]![0]!["id"]!.GetValue<string>()));
        Assert.That(toolMessage["content"]!.GetValue<string>(), Does.Match("BUILDING_[0-9]+"));
        Assert.That(assistant["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>(), Does.Match("EMAIL_[0-9]+"));
    }

    /// <summary>The upstream's side of the script's tool checks: calls while no tool result was sent, then an answer.</summary>
    private static LoopbackReply? ToolReply(LoopbackRequest request)
    {
        JsonNode body = JsonNode.Parse(request.Body)!;
        if (body["tools"] is not JsonArray tools)
        {
            return null;
        }

        JsonNode? result = body["messages"]!.AsArray().LastOrDefault(m => m!["role"]!.GetValue<string>() == "tool");
        if (result is not null)
        {
            // The masked building of the tool result, which the gateway restores in the answer.
            Match building = Regex.Match(result["content"]!.GetValue<string>(), "BUILDING_[0-9]+");
            return LoopbackReply.Text(building.Success ? $"Sent the report on {building.Value}." : "Weather noted.", 60, 6);
        }

        return tools[0]!["function"]!["name"]!.GetValue<string>() == "send_report"
            ? LoopbackReply.ToolCall("send_report", $$"""{"to":"{{Regex.Match(request.Body, "EMAIL_[0-9]+").Value}}","building":"{{Regex.Match(request.Body, "BUILDING_[0-9]+").Value}}"}""", 40, 12)
            : LoopbackReply.ToolCalls(40, 16, ("site_weather", """{"site":"Heron"}"""), ("site_weather", """{"site":"Bobcat"}"""));
    }

    private static void SkipOrFail(string message)
    {
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }
}
