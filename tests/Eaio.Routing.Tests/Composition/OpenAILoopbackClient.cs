using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Eaio.Routing.Tests;

/// <summary>The real OpenAI SDK client, retries off, pointed at a loopback server: what a host would put under the middleware.</summary>
internal static class OpenAILoopbackClient
{
    public static IChatClient Create(LoopbackOpenAIServer server, string model = "gpt-4o-mini") =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("test-key"), new OpenAIClientOptions
        {
            Endpoint = server.BaseUri,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        }).AsIChatClient();
}
