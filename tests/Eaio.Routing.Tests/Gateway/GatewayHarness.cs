using System.Net.Http.Headers;
using System.Text;
using Eaio.Routing.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing.Tests;

/// <summary>The gateway on a loopback port, in front of loopback Ollama and OpenAI servers, with one key per kind of tenant.</summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    public const string PublicKey = "test-public-key-0123456789";
    public const string EnhancedKey = "test-enhanced-key-0123456789";
    public const string PrivateKey = "test-private-key-0123456789";
    public const string TinyBudgetKey = "test-tiny-budget-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789";

    private GatewayHarness(WebApplication app, LoopbackOllamaServer ollama, LoopbackOpenAIServer openAI, string dataDirectory)
    {
        App = app;
        Ollama = ollama;
        OpenAI = openAI;
        DataDirectory = dataDirectory;
        BaseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/");
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public LoopbackOllamaServer Ollama { get; }

    public LoopbackOpenAIServer OpenAI { get; }

    public string DataDirectory { get; }

    /// <summary>Gets the gateway's base address, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    /// <summary>Starts the servers and the gateway.</summary>
    /// <param name="settings">Extra or overriding configuration (for example a closed Ollama port).</param>
    /// <param name="configure">Adds to the gateway's builder after the configuration, for example a capturing logger.</param>
    public static async Task<GatewayHarness> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: LoopbackReply.Text("Local answer.", 12, 3));
        LoopbackOpenAIServer openAI = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("OpenAI answer.", 11, 3));
        string dataDirectory = Path.Combine(Path.GetTempPath(), "eaio-tests", "gateway-" + Guid.NewGuid().ToString("N"));

        Dictionary<string, string?> config = new()
        {
            ["Gateway:Urls"] = "http://127.0.0.1:0",
            ["Gateway:Keys:0:Key"] = PublicKey,
            ["Gateway:Keys:0:Tenant"] = "web",
            ["Gateway:Keys:0:MaxPrivacy"] = "Public",
            ["Gateway:Keys:0:MonthlyBudgetUsd"] = "100",
            ["Gateway:Keys:1:Key"] = EnhancedKey,
            ["Gateway:Keys:1:Tenant"] = "analysts",
            ["Gateway:Keys:1:MaxPrivacy"] = "Enhanced",
            ["Gateway:Keys:2:Key"] = PrivateKey,
            ["Gateway:Keys:2:Tenant"] = "plant",
            ["Gateway:Keys:2:MaxPrivacy"] = "Private",
            ["Gateway:Keys:3:Key"] = TinyBudgetKey,
            ["Gateway:Keys:3:Tenant"] = "tiny",
            ["Gateway:Keys:3:MaxPrivacy"] = "Public",
            ["Gateway:Keys:3:MonthlyBudgetUsd"] = "0.0001",
            ["Gateway:Keys:4:Key"] = AdminKey,
            ["Gateway:Keys:4:Tenant"] = "ops",
            ["Gateway:Keys:4:MaxPrivacy"] = "Private",
            ["Gateway:Keys:4:Admin"] = "true",
            ["Eaio:Ollama:BaseUrl"] = ollama.BaseUri.ToString(),
            ["Eaio:OpenAI:ApiKey"] = "test-openai-key",
            ["Eaio:OpenAI:BaseUrl"] = openAI.BaseUri.ToString(),
            ["Eaio:DataDirectory"] = dataDirectory,
            ["Eaio:LocalTimeoutSec"] = "5",
            ["Eaio:ApiTimeoutSec"] = "5",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (KeyValuePair<string, string?> pair in settings ?? new Dictionary<string, string?>())
        {
            config[pair.Key] = pair.Value;
        }

        WebApplication app = GatewayApp.Create([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new GatewayHarness(app, ollama, openAI, dataDirectory);
    }

    /// <summary>Posts a chat completion body with a key (or none).</summary>
    public Task<HttpResponseMessage> PostAsync(string? key, string body, Action<HttpRequestMessage>? configure = null) =>
        PostToAsync("v1/chat/completions", key, body, configure);

    /// <summary>Posts a JSON body to a gateway path (<c>v1/responses</c>) with a key (or none).</summary>
    public Task<HttpResponseMessage> PostToAsync(string path, string? key, string body, Action<HttpRequestMessage>? configure = null)
    {
        HttpRequestMessage request = new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        configure?.Invoke(request);
        return Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>A minimal valid body.</summary>
    public static string Body(string question, string model = "eaio-auto", string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(question)}}}]{{extra}}}""";

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Ollama.DisposeAsync();
        await OpenAI.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
