using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

// A .NET application using a running eaio-gateway: OpenAI's SDK pointed at the gateway, through Microsoft.Extensions.AI's
// IChatClient like any other model. Start the gateway first (src/Eaio.Routing.Gateway/README.md), then:
//   EAIO_GATEWAY_KEY=<one of its Gateway:Keys> dotnet run --project samples/Eaio.Samples.GatewayClient -- "a question"
if (Environment.GetEnvironmentVariable("EAIO_GATEWAY_KEY") is not { Length: > 0 } key)
{
    await Console.Error.WriteLineAsync("Set EAIO_GATEWAY_KEY to one of the gateway's keys (Gateway:Keys:<n>:Key), and EAIO_GATEWAY_URL if it is not http://127.0.0.1:8080/v1.");
    return 2;
}

Uri gateway = new(Environment.GetEnvironmentVariable("EAIO_GATEWAY_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:8080/v1");
string question = args.Length > 0 ? string.Join(' ', args) : "What is a good EUI for an office?";

// No retries: the gateway's 402 (budget) and 403 (privacy) do not change on a retry, and its 429 and 503 say when to retry.
IChatClient chat = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = gateway, RetryPolicy = new ClientRetryPolicy(0) })
    .GetChatClient("eaio-auto") // the router chooses; "provider/model" (GET /v1/models) pins a route
    .AsIChatClient();

try
{
    // The answer's model names the route that served it, e.g. ollama/llama3.2:3b or openai/gpt-4o-mini-2024-07-18.
    ChatResponse answer = await chat.GetResponseAsync(question);
    Console.WriteLine($"[{answer.ModelId}] {answer.Text}");

    // Streamed, and kept on the local model: a request may ask for a stricter privacy level than its key's (a looser one is 403).
    ChatOptions privateOnly = new() { RawRepresentationFactory = _ => new ChatCompletionOptions { Metadata = { ["eaio_privacy"] = "private" } } };
    string? model = null;
    await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(question, privateOnly))
    {
        model ??= update.ModelId;
        Console.Write(update.Text);
    }

    Console.WriteLine($" [{model}, private]");
    return 0;
}
catch (ClientResultException ex)
{
    // The gateway's errors are in OpenAI's shape, and their messages say what to do.
    await Console.Error.WriteLineAsync($"The gateway answered {ex.Status}: {ex.Message}");
    return 1;
}
