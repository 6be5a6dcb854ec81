using Microsoft.Extensions.AI;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

namespace Eaio.Routing;

/// <summary>
/// Sets a field of the OpenAI SDK's own request object that <see cref="ChatOptions"/> cannot carry, on a copy of a call's
/// options: the one way <see cref="MaxTokensFieldChatClient"/> and <see cref="CompletionFieldsChatClient"/> reach the wire.
/// </summary>
internal static class CompletionOptionsLayer
{
    /// <summary>A copy of <paramref name="options"/> whose raw representation is the one its own
    /// <see cref="ChatOptions.RawRepresentationFactory"/> makes (or a new one), then changed by <paramref name="apply"/>;
    /// the caller's options are not changed.</summary>
    public static ChatOptions Over<TState>(ChatOptions options, TState state, Action<ChatCompletionOptions, TState> apply)
    {
        // A copy shares the additional properties' values, so a RouteCallContext in them is still the call's own.
        ChatOptions copy = options.Clone();
        Func<IChatClient, object?>? original = options.RawRepresentationFactory;
        copy.RawRepresentationFactory = client =>
        {
            ChatCompletionOptions completion = original?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
            apply(completion, state);
            return completion;
        };
        return copy;
    }
}
