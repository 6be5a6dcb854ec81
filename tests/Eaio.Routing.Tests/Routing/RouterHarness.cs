using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing.Tests;

/// <summary>The whole router, wired by <c>AddEaioHybridChat</c>, against loopback Ollama, OpenAI, DeepSeek and Gemini servers.</summary>
internal sealed class RouterHarness : IAsyncDisposable
{
    private RouterHarness(LoopbackOllamaServer ollama, LoopbackOpenAIServer openAI, LoopbackOpenAIServer deepSeek, LoopbackOpenAIServer gemini, ServiceProvider services)
    {
        Ollama = ollama;
        OpenAI = openAI;
        DeepSeek = deepSeek;
        Gemini = gemini;
        Services = services;
        Chat = services.GetRequiredService<IChatClient>();
        Router = Chat.GetService<HybridRouterChatClient>()!;
    }

    public LoopbackOllamaServer Ollama { get; }

    public LoopbackOpenAIServer OpenAI { get; }

    public LoopbackOpenAIServer DeepSeek { get; }

    public LoopbackOpenAIServer Gemini { get; }

    public ServiceProvider Services { get; }

    /// <summary>Gets the folder of this harness's SQLite database, removed on dispose.</summary>
    public string DataDirectory { get; private init; } = string.Empty;

    public IChatClient Chat { get; }

    public HybridRouterChatClient Router { get; }

    public IEnumerable<LoopbackRequest> ExternalRequests => OpenAI.Requests.Concat(DeepSeek.Requests).Concat(Gemini.Requests);

    public int ExternalChatRequests => OpenAI.ChatRequestCount + DeepSeek.ChatRequestCount + Gemini.ChatRequestCount;

    public static async Task<RouterHarness> StartAsync(Action<EaioHybridChatOptions>? configure = null, TimeProvider? time = null, Action<IServiceCollection>? services = null, Action<ChatClientBuilder>? pipeline = null)
    {
        LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: LoopbackReply.Text("Local answer.", 12, 3));
        LoopbackOpenAIServer openAI = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("OpenAI answer.", 11, 3));
        LoopbackOpenAIServer deepSeek = await LoopbackOpenAIServer.StartAsync("", LoopbackReply.Text("DeepSeek answer.", 11, 3));
        LoopbackOpenAIServer gemini = await LoopbackOpenAIServer.StartAsync("v1beta/openai/", LoopbackReply.Text("Gemini answer.", 11, 3));

        string dataDirectory = Path.Combine(Path.GetTempPath(), "eaio-tests", Guid.NewGuid().ToString("N"));
        ServiceCollection collection = new();
        if (time is not null)
        {
            collection.AddSingleton(time);
        }

        ChatClientBuilder builder = collection.AddEaioHybridChat(o =>
        {
            o.Ollama.BaseUrl = ollama.BaseUri;
            o.OpenAI.ApiKey = "test-openai-key";
            o.OpenAI.BaseUrl = openAI.BaseUri;
            o.DeepSeek.ApiKey = "test-deepseek-key";
            o.DeepSeek.BaseUrl = deepSeek.BaseUri;
            o.Gemini.ApiKey = "test-google-key";
            o.Gemini.BaseUrl = gemini.BaseUri;
            o.DataDirectory = dataDirectory;
            o.LocalTimeout = TimeSpan.FromSeconds(5);
            o.ApiTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });
        pipeline?.Invoke(builder);
        services?.Invoke(collection);
        return new RouterHarness(ollama, openAI, deepSeek, gemini, collection.BuildServiceProvider()) { DataDirectory = dataDirectory };
    }

    public static ChatOptions Options(Action<RequestProfile> profile) => new ChatOptions().WithEaio(profile);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Ollama.DisposeAsync();
        await OpenAI.DisposeAsync();
        await DeepSeek.DisposeAsync();
        await Gemini.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
