using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>What the gateway's log says about a request no route could serve: the operator's one entry for it.</summary>
public sealed class GatewayLogTests
{
    [Test]
    public async Task A_request_that_failed_on_every_route_is_one_warning_with_the_reason()
    {
        using FakeLoggerProvider logs = new();
        await using GatewayHarness gateway = await GatewayHarness.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information", ["Eaio:AuditHmacKey"] = "a-stable-audit-hmac-key" },
            builder => builder.Logging.AddProvider(logs));
        await gateway.Ollama.DisposeAsync();
        int startUp = logs.Collector.Count;

        using HttpResponseMessage response = await gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Which chiller starts first?"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));

        // The health monitor's own warning that Ollama went down is about the provider, not this request.
        FakeLogRecord[] call = [.. logs.Collector.GetSnapshot().Skip(startUp).Where(r => r.Category != typeof(ProviderHealthMonitor).FullName)];
        string all = string.Join('\n', call.Select(r => $"{r.Level} {r.Category}: {r.Message}"));
        FakeLogRecord[] aboutIt = [.. call.Where(r => r.Level >= LogLevel.Information && r.Message.Contains("plant", StringComparison.Ordinal))];
        Assert.Multiple(() =>
        {
            Assert.That(aboutIt, Has.Length.EqualTo(1), all);
            Assert.That(aboutIt[0].Level, Is.EqualTo(LogLevel.Warning), all);
            Assert.That(aboutIt[0].Message, Does.Contain("503").And.Contain("ollama serve"), "the reason: what failed and what to do");
            Assert.That(call.Count(r => r.Level >= LogLevel.Warning), Is.EqualTo(1), all);
        });
    }
}
