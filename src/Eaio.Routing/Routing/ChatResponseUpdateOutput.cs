using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Tells updates that carry output from those that only open a stream (a role-only chunk, Anthropic's message_start, an in-band error).</summary>
internal static class ChatResponseUpdateOutput
{
    /// <summary>Gets a value indicating whether the update carries content or a finish reason.</summary>
    public static bool HasOutput(this ChatResponseUpdate update)
    {
        if (update.FinishReason is not null)
        {
            return true;
        }

        IList<AIContent> contents = update.Contents;
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not TextContent { Text.Length: 0 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The cost of an update that carries usage, as a local call's: nothing, with its tokens; <see langword="null"/> without usage.</summary>
    public static CallCost? LocalCost(this ChatResponseUpdate update)
    {
        // Indexed: a foreach over the IList boxes its enumerator on every message of every call.
        IList<AIContent> contents = update.Contents;
        for (int c = 0; c < contents.Count; c++)
        {
            AIContent content = contents[c];
            if (content is UsageContent usage)
            {
                return BudgetGovernor.Free(usage.Details);
            }
        }

        return null;
    }
}
