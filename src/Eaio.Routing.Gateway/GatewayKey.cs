using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>What one gateway API key may do: whose budget it spends and how far its requests' data may travel.</summary>
/// <param name="Index">The key's position under <c>Gateway:Keys</c>, to name it in messages without showing the key.</param>
/// <param name="Tenant">The tenant whose budget the key spends (<see cref="RequestProfile.TenantId"/>).</param>
/// <param name="MaxPrivacy">The loosest privacy level the key may ask for; requests may ask for a stricter one.</param>
/// <param name="MonthlyBudgetUsd">The tenant's monthly budget, or <see langword="null"/> for <c>LLM_MONTHLY_BUDGET</c>.</param>
/// <param name="Admin">Whether the key may read what covers every tenant (<c>GET /v1/eaio/report</c>).</param>
internal sealed record GatewayKey(int Index, string Tenant, PrivacyLevel MaxPrivacy, decimal? MonthlyBudgetUsd, bool Admin = false);
