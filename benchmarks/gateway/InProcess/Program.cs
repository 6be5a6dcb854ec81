using System.Diagnostics;
using System.Globalization;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// The baseline of the gateway benchmark: the same router, configured from the same environment (OLLAMA_BASE_URL,
// EAIO_DATA_DIR, …), called in-process by N concurrent callers in a closed loop, each sending the request wrk sends
// through the gateway. Prints one line in chat.lua's format. Usage: eaio-gateway-baseline CONNECTIONS SECONDS [THINK_MS]
// With THINK_MS each caller waits on average that long after every response (uniformly between half and one and a half
// times it), as chat.lua does with EAIO_BENCH_THINK_MS.
int connections = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
TimeSpan duration = TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10);
int thinkMs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;

ServiceCollection services = new();
services.AddEaioHybridChat(new ConfigurationBuilder().Build().GetSection("Eaio"));
await using ServiceProvider provider = services.BuildServiceProvider();
IChatClient chat = provider.GetRequiredService<IChatClient>();
ChatMessage[] messages = [new(ChatRole.User, "What is a good EUI for an office?")];

// As the gateway does per request: fresh options with the key's tenant and privacy level.
ChatOptions Options() => new ChatOptions { MaxOutputTokens = 64 }.WithEaio(p =>
{
    p.TenantId = "bench";
    p.Privacy = PrivacyLevel.Private;
});

// Warm up as wrk does for the gateway: the same callers for 3 s (JIT tiers, connection pool, plan cache), not measured.
await RunAsync(TimeSpan.FromSeconds(3));
long started = Stopwatch.GetTimestamp();
(List<long>[] latencies, int errors) = await RunAsync(duration);
double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

long[] all = [.. latencies.SelectMany(l => l)];
Array.Sort(all);
long Us(double percentile) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(percentile / 100 * all.Length))] * 1_000_000 / Stopwatch.Frequency;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT requests={all.Length} rps={all.Length / seconds:0} p50_us={Us(50)} p90_us={Us(90)} p99_us={Us(99)} max_us={Us(100)} errors={errors}"));

async Task<(List<long>[] Latencies, int Errors)> RunAsync(TimeSpan length)
{
    long end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
    int failed = 0;
    List<long>[] measured = [.. Enumerable.Range(0, connections).Select(_ => new List<long>(100_000))];
    await Task.WhenAll(Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
    {
        List<long> mine = measured[worker];
        while (Stopwatch.GetTimestamp() < end)
        {
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                await chat.GetResponseAsync(messages, Options());
                mine.Add(Stopwatch.GetTimestamp() - t0);
                if (thinkMs > 0)
                {
                    await Task.Delay(Random.Shared.Next(thinkMs / 2, (thinkMs * 3 / 2) + 1));
                }
            }
            catch (NoRouteAvailableException)
            {
                Interlocked.Increment(ref failed);
            }
        }
    })));
    return (measured, failed);
}
