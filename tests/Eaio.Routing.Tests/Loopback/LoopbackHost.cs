using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing.Tests;

/// <summary>
/// The Kestrel plumbing shared by the loopback servers: binding to a free port, recording requests,
/// choosing the scripted reply, and the protocol-independent replies (delay, reset, status).
/// </summary>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_abortGrace = TimeSpan.FromMilliseconds(200);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<LoopbackRequest> _requests = [];
    private readonly ConcurrentQueue<LoopbackReply> _queue = new();
    private int _chatRequestCount;
    private int _disposed;

    private LoopbackHost(WebApplication app, LoopbackReply defaultReply)
    {
        _app = app;
        DefaultReply = defaultReply;
    }

    public Uri Root { get; private set; } = null!;

    public IReadOnlyList<LoopbackRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public int ChatRequestCount => Volatile.Read(ref _chatRequestCount);

    public LoopbackReply DefaultReply { get; set; }

    public Func<LoopbackRequest, LoopbackReply>? Responder { get; set; }

    public void Enqueue(IEnumerable<LoopbackReply> replies)
    {
        foreach (var reply in replies)
        {
            ArgumentNullException.ThrowIfNull(reply);
            _queue.Enqueue(reply);
        }
    }

    /// <summary>Starts Kestrel on 127.0.0.1 with a free port; <paramref name="handler"/> serves every request.</summary>
    public static async Task<LoopbackHost> StartAsync(LoopbackReply defaultReply, Func<LoopbackHost, HttpContext, CancellationToken, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = s_stopTimeout);
        var app = builder.Build();
        var host = new LoopbackHost(app, defaultReply);
        app.Run(async context =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, host._stopping.Token);
            try
            {
                await handler(host, context, linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                context.Abort();
            }
            catch (IOException)
            {
                // The client went away mid-response.
                context.Abort();
            }
        });

        using var startTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await app.StartAsync(startTimeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.Root = new Uri(address.TrimEnd('/') + "/");
        return host;
    }

    /// <summary>Reads and records the request; <paramref name="isChat"/> counts it in <see cref="ChatRequestCount"/>.</summary>
    public async Task<LoopbackRequest> RecordAsync(HttpContext context, bool isChat, bool defaultStream, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var authorization = context.Request.Headers.Authorization.ToString();
        var request = LoopbackRequest.Parse(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            body,
            authorization.Length == 0 ? null : authorization,
            defaultStream) with
        {
            Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        };
        lock (_gate)
        {
            _requests.Add(request);
        }

        if (isChat)
        {
            Interlocked.Increment(ref _chatRequestCount);
        }

        return request;
    }

    /// <summary>The next queued reply, else the responder's, else the default.</summary>
    public LoopbackReply NextReply(LoopbackRequest request) =>
        _queue.TryDequeue(out var queued) ? queued : Responder?.Invoke(request) ?? DefaultReply;

    /// <summary>
    /// Handles the protocol-independent replies. Returns the reply the caller must still render
    /// (Text, CutStream, MalformedJson, ErrorLine), or null when the response is already finished.
    /// </summary>
    public static async Task<LoopbackReply?> HandleCommonAsync(
        HttpContext context, LoopbackReply reply, Func<int, string> defaultErrorBody, CancellationToken cancellationToken)
    {
        while (reply.Kind == LoopbackReply.ReplyKind.Delay)
        {
            await Task.Delay(reply.DelayTime, cancellationToken);
            reply = reply.Then!;
        }

        switch (reply.Kind)
        {
            case LoopbackReply.ReplyKind.ResetConnection:
                context.Abort();
                return null;
            case LoopbackReply.ReplyKind.Status:
                context.Response.StatusCode = reply.StatusCode;
                context.Response.ContentType = "application/json";
                if (reply.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await context.Response.WriteAsync(reply.Body ?? defaultErrorBody(reply.StatusCode), cancellationToken);
                return null;
            default:
                return reply;
        }
    }

    /// <summary>Writes <paramref name="text"/> and flushes it to the client at once.</summary>
    public static async Task WriteFlushedAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(text, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Ends a response that is being cut short: cleanly, or by aborting the connection. Before an abort the
    /// server holds the connection for a moment, as a dying proxy would: a TCP reset makes the client's kernel
    /// drop bytes it has not yet read, so without the pause the client might never see the chunks already sent.
    /// </summary>
    public static async Task EndCutAsync(HttpContext context, bool abort, CancellationToken cancellationToken)
    {
        if (abort)
        {
            await Task.Delay(s_abortGrace, cancellationToken);
            context.Abort();
        }
        else
        {
            await context.Response.CompleteAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        using (var timeout = new CancellationTokenSource(s_stopTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Connections still open after the timeout were aborted; nothing else to do.
            }
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
