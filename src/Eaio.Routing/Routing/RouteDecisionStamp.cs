using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>How the router marks what served a request: the decision on each update, and the request's span.</summary>
internal static class RouteDecisionStamp
{
    /// <summary>Gives the update the route decision, with the call's cost once it is known (the usage update).</summary>
    public static ChatResponseUpdate Stamp(ChatResponseUpdate update, ref RouteDecision decision, RouteCallContext? context)
    {
        if (decision.Cost is null && (context?.Cost ?? update.LocalCost()) is { } cost)
        {
            decision = decision with { Cost = cost };
        }

        (update.AdditionalProperties ??= [])[RouteDecision.PropertyKey] = decision;
        return update;
    }

    /// <summary>Names the span after the semantic conventions (<c>chat {model}</c>) and tags what served the request.</summary>
    public static void Complete(Activity? activity, RoutePlan plan, RouteDecision decision)
    {
        if (activity is null)
        {
            return;
        }

        activity.DisplayName = "chat " + decision.Model;
        activity.SetTag("gen_ai.operation.name", "chat");
        activity.SetTag(EaioMetrics.ProviderTag, decision.Provider);
        activity.SetTag(EaioMetrics.ModelTag, decision.Model);
        activity.SetTag(EaioMetrics.PrivacyTag, EaioMetrics.PrivacyValue(plan.Profile.Privacy));
        activity.SetTag("eaio.fallbacks", decision.Fallbacks);
        if (decision.Cost is { } cost)
        {
            activity.SetTag("gen_ai.usage.input_tokens", cost.InputTokens);
            activity.SetTag("gen_ai.usage.output_tokens", cost.OutputTokens);
            activity.SetTag("eaio.cost.usd", (double)cost.Usd);
        }
    }

    /// <summary>Ends a committed stream's span: named after what served it when it completed, else marked failed.</summary>
    public static void EndStream(Activity? activity, RoutePlan plan, RouteDecision decision, bool completed, bool cancelled)
    {
        if (completed)
        {
            Complete(activity, plan, decision);
        }
        else
        {
            activity?.SetStatus(ActivityStatusCode.Error, cancelled ? "cancelled" : "stream ended after output");
        }
    }
}
