using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary><c>GET /v1/eaio/budget</c>, the key's own tenant's budget, and the one-sentence 402 of a request over it.</summary>
internal sealed class BudgetEndpoint
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IBudgetLedger _ledger;

    /// <summary>Initializes a new instance of the <see cref="BudgetEndpoint"/> class.</summary>
    /// <param name="ledger">The router's budget ledger.</param>
    public BudgetEndpoint(IBudgetLedger ledger) => _ledger = ledger;

    /// <summary>Writes the key's tenant's budget; a <c>tenant</c> query asking for another tenant is refused.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="key">The request's key.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context, GatewayKey key)
    {
        if (context.Request.Query.TryGetValue("tenant", out Microsoft.Extensions.Primitives.StringValues asked) && !string.Equals(asked, key.Tenant, StringComparison.Ordinal))
        {
            await OpenAIWire.WriteErrorAsync(context.Response, new GatewayError(
                StatusCodes.Status403Forbidden, "tenant: a key reads its own tenant's budget only; leave the query out.", "permission_error", "tenant", "tenant_not_allowed"));
            return;
        }

        BudgetStatus status = await _ledger.GetStatusAsync(key.Tenant, context.RequestAborted);
        HttpResponse response = context.Response;
        response.ContentType = "application/json";
        using (Utf8JsonWriter json = new(response.BodyWriter, s_writerOptions))
        {
            json.WriteStartObject();
            json.WriteString("object", "eaio.budget");
            json.WriteString("tenant", key.Tenant);
            json.WriteString("period", status.Period.Label);
            json.WriteNumber("limit_usd", status.BudgetUsd);
            json.WriteNumber("spent_usd", status.SpentUsd);
            json.WriteNumber("reserved_usd", status.ReservedUsd);
            json.WriteNumber("remaining_usd", status.RemainingUsd);
            json.WriteString("period_end", status.Period.End.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteBoolean("alert_raised", status.AlertRaised);
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>The 402 of a pinned external request over its tenant's budget: one sentence with what is left and what to do.</summary>
    /// <param name="tenant">The key's tenant.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>The error.</returns>
    public async Task<GatewayError> OverBudgetAsync(string tenant, CancellationToken cancellationToken)
    {
        BudgetStatus status = await _ledger.GetStatusAsync(tenant, cancellationToken);
        return new GatewayError(
            StatusCodes.Status402PaymentRequired,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Tenant '{tenant}' has ${status.RemainingUsd:0.######} of its ${status.BudgetUsd:0.######} budget left until {status.Period.End.UtcDateTime:yyyy-MM-dd} (UTC), less than this request may cost: send it as '{GatewayModels.AutoModel}' or to a local model (ollama/…), lower max_tokens, or ask the gateway's operator to raise MonthlyBudgetUsd."),
            "insufficient_quota",
            null,
            "budget_exceeded");
    }
}
