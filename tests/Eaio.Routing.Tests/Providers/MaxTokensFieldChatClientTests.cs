using System.Text.Json;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

namespace Eaio.Routing.Tests;

/// <summary><see cref="MaxTokensFieldChatClient"/> on its own around the real OpenAI SDK client: what goes on the wire.</summary>
[CancelAfter(30_000)]
public sealed class MaxTokensFieldChatClientTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task The_output_limit_goes_out_as_max_tokens_and_the_callers_options_are_unchanged(bool streaming)
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        MaxTokensFieldChatClient? created = null;
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("deepseek-chat")).UseMaxTokensField(c => created = c).Build();
        ChatOptions options = new() { MaxOutputTokens = 77, Temperature = 0.5f };

        ChatResponse response = streaming
            ? await client.GetStreamingResponseAsync("q", options).ToChatResponseAsync()
            : await client.GetResponseAsync("q", options);

        Assert.That(response.Text, Is.Not.Empty);
        using JsonDocument body = JsonDocument.Parse(server.Requests.Single().Body);
        Assert.That(body.RootElement.GetProperty("max_tokens").GetInt32(), Is.EqualTo(77));
        Assert.That(body.RootElement.TryGetProperty("max_completion_tokens", out _), Is.False);
        Assert.That(body.RootElement.GetProperty("temperature").GetDouble(), Is.EqualTo(0.5).Within(1e-6), "the rest of the options still apply");
        Assert.That(options.MaxOutputTokens, Is.EqualTo(77), "the caller's options are not changed");
        Assert.That(options.RawRepresentationFactory, Is.Null);
        Assert.That(created, Is.SameAs(client));
    }

    [Test]
    public async Task The_callers_own_raw_representation_is_kept()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("deepseek-chat")).UseMaxTokensField().Build();
        ChatOptions options = new() { MaxOutputTokens = 12, RawRepresentationFactory = _ => new ChatCompletionOptions { EndUserId = "tenant-7" } };

        await client.GetResponseAsync("q", options);

        using JsonDocument body = JsonDocument.Parse(server.Requests.Single().Body);
        Assert.That(body.RootElement.GetProperty("max_tokens").GetInt32(), Is.EqualTo(12));
        Assert.That(body.RootElement.GetProperty("user").GetString(), Is.EqualTo("tenant-7"));
    }

    [Test]
    public async Task A_call_without_a_limit_passes_through_untouched()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("deepseek-chat")).UseMaxTokensField().Build();

        await client.GetResponseAsync("q", new ChatOptions { Temperature = 0.1f });

        using JsonDocument body = JsonDocument.Parse(server.Requests.Single().Body);
        Assert.That(body.RootElement.TryGetProperty("max_tokens", out _), Is.False);
        Assert.That(body.RootElement.TryGetProperty("max_completion_tokens", out _), Is.False);
    }

    [Test]
    public void The_builder_extension_checks_its_argument() =>
        Assert.Throws<ArgumentNullException>(() => MaxTokensFieldChatClientBuilderExtensions.UseMaxTokensField(null!));
}
