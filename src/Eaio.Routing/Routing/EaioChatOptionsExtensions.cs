using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Attaches a <see cref="RequestProfile"/> to <see cref="ChatOptions"/> and tags messages and contents with their sensitivity.</summary>
public static class EaioChatOptionsExtensions
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key under which the profile travels.</summary>
    public const string ProfileKey = "eaio.profile";

    /// <summary>The <c>AdditionalProperties</c> key of a message or content that carries its <see cref="DataSensitivity"/>.</summary>
    public const string SensitivityKey = "eaio.sensitivity";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key under which the end-user id travels; see <see cref="WithEndUserId"/>.</summary>
    public const string EndUserIdKey = "eaio.end_user_id";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key under which a request for log-probabilities travels; see <see cref="WithLogProbabilities"/>.</summary>
    public const string LogProbabilitiesKey = "eaio.logprobs";

    /// <summary>The most alternatives per token <see cref="WithLogProbabilities"/> accepts, as OpenAI's <c>top_logprobs</c>.</summary>
    public const int MaxTopLogProbabilities = 20;

    /// <summary>Creates or updates the request profile carried by these options.</summary>
    /// <param name="options">The options to carry the profile.</param>
    /// <param name="configure">Sets the profile's values.</param>
    /// <returns>The same <paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithEaio(this ChatOptions options, Action<RequestProfile> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);

        RequestProfile profile = options.GetEaioProfile() ?? new RequestProfile();
        configure(profile);
        (options.AdditionalProperties ??= [])[ProfileKey] = profile;
        return options;
    }

    /// <summary>Attaches a profile to these options, replacing any profile they carried.</summary>
    /// <param name="options">The options to carry the profile.</param>
    /// <param name="profile">The profile.</param>
    /// <returns>The same <paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="profile"/> is <see langword="null"/>.</exception>
    public static ChatOptions WithEaio(this ChatOptions options, RequestProfile profile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(profile);

        (options.AdditionalProperties ??= [])[ProfileKey] = profile;
        return options;
    }

    /// <summary>Gets the request profile carried by these options, if any.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The profile, or <see langword="null"/> when none is attached.</returns>
    public static RequestProfile? GetEaioProfile(this ChatOptions? options) =>
        options?.AdditionalProperties is { } props && props.TryGetValue(ProfileKey, out object? value) ? value as RequestProfile : null;

    /// <summary>Sets the opaque id of the end user a request is made for, which OpenAI-compatible routes send as <c>user</c>.</summary>
    /// <remarks>
    /// Providers use it to tell one abusive end user from the rest of an account's traffic. It leaves the machine as it is,
    /// so pass a pseudonym (an HMAC of the user under a key of your own), never an e-mail or a name: the egress guard
    /// scans it like any other text sent and blocks the call when it finds sensitive data. Local routes ignore it.
    /// </remarks>
    /// <param name="options">The options to carry the id.</param>
    /// <param name="endUserId">The opaque end-user id.</param>
    /// <returns>The same <paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="endUserId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endUserId"/> is empty or white space.</exception>
    public static ChatOptions WithEndUserId(this ChatOptions options, string endUserId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(endUserId);

        (options.AdditionalProperties ??= [])[EndUserIdKey] = endUserId;
        return options;
    }

    /// <summary>Gets the end-user id set by <see cref="WithEndUserId"/>, if any.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The id, or <see langword="null"/> when none is set.</returns>
    public static string? GetEndUserId(this ChatOptions? options) =>
        options?.AdditionalProperties is { } props && props.TryGetValue(EndUserIdKey, out object? value) ? value as string : null;

    /// <summary>Asks for the log-probabilities of the answer's tokens, and of up to <paramref name="topAlternatives"/> likelier
    /// alternatives at each position (OpenAI's <c>logprobs</c> and <c>top_logprobs</c>).</summary>
    /// <remarks>
    /// <para>
    /// The request is then only planned onto models that return them (<see cref="ModelCapabilities.LogProbabilities"/>:
    /// OpenAI's, DeepSeek's chat models), and only when nothing in it is masked: log-probabilities of an answer to masked
    /// text describe the placeholders, not the text the caller gets back. A request that may not leave the machine, or that
    /// carries values the pseudonymiser masks, therefore gets <see cref="NoRouteAvailableException"/> saying so.
    /// </para>
    /// <para>
    /// They come back in the provider's own objects: <see cref="ChatResponse.RawRepresentation"/> is the OpenAI SDK's
    /// <c>ChatCompletion</c> (<c>ContentTokenLogProbabilities</c>), and each streamed update's
    /// <see cref="ChatResponseUpdate.RawRepresentation"/> a <c>StreamingChatCompletionUpdate</c>.
    /// </para>
    /// </remarks>
    /// <param name="options">The options to carry the request.</param>
    /// <param name="topAlternatives">How many alternatives per token, 0 to <see cref="MaxTopLogProbabilities"/>.</param>
    /// <returns>The same <paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topAlternatives"/> is below 0 or above <see cref="MaxTopLogProbabilities"/>.</exception>
    public static ChatOptions WithLogProbabilities(this ChatOptions options, int topAlternatives = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(topAlternatives);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(topAlternatives, MaxTopLogProbabilities);

        (options.AdditionalProperties ??= [])[LogProbabilitiesKey] = topAlternatives;
        return options;
    }

    /// <summary>Gets how many alternatives per token <see cref="WithLogProbabilities"/> asked for, if log-probabilities were asked for.</summary>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The number of alternatives, or <see langword="null"/> when no log-probabilities were asked for.</returns>
    public static int? GetLogProbabilities(this ChatOptions? options) =>
        options?.AdditionalProperties is { } props && props.TryGetValue(LogProbabilitiesKey, out object? value) && value is int top ? top : null;

    /// <summary>Tags a message with the sensitivity of the data it carries.</summary>
    /// <param name="message">The message.</param>
    /// <param name="sensitivity">Its sensitivity.</param>
    /// <returns>The same <paramref name="message"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public static ChatMessage WithSensitivity(this ChatMessage message, DataSensitivity sensitivity)
    {
        ArgumentNullException.ThrowIfNull(message);
        (message.AdditionalProperties ??= [])[SensitivityKey] = sensitivity;
        return message;
    }

    /// <summary>Tags a message with a Microsoft.Extensions.Compliance data classification; see <see cref="EaioDataClassifications"/>
    /// and <see cref="EaioHybridChatOptions.DataClassifications"/> for how it maps to an EAIO class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="classification">Its classification.</param>
    /// <returns>The same <paramref name="message"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is <see langword="null"/>.</exception>
    public static ChatMessage WithClassification(this ChatMessage message, Microsoft.Extensions.Compliance.Classification.DataClassification classification)
    {
        ArgumentNullException.ThrowIfNull(message);
        (message.AdditionalProperties ??= [])[SensitivityKey] = classification;
        return message;
    }

    /// <summary>Tags a content (for example a tool result) with the sensitivity of the data it carries.</summary>
    /// <typeparam name="TContent">The content type.</typeparam>
    /// <param name="content">The content.</param>
    /// <param name="sensitivity">Its sensitivity.</param>
    /// <returns>The same <paramref name="content"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    public static TContent WithSensitivity<TContent>(this TContent content, DataSensitivity sensitivity)
        where TContent : AIContent
    {
        ArgumentNullException.ThrowIfNull(content);
        (content.AdditionalProperties ??= [])[SensitivityKey] = sensitivity;
        return content;
    }
}
