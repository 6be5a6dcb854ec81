using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Resolves a request's profile from the host's <see cref="RequestProfile"/>, configuration, tags and the text.</summary>
/// <remarks>
/// The privacy level comes only from the host's profile and configuration. Anything that fails while profiling makes
/// the request CRITICAL, so an error can only keep data local, never send it out.
/// </remarks>
internal sealed class RequestProfiler
{
    private const string KeepAliveProperty = "keep_alive";

    private const string RawFactoryNote =
        "CRITICAL: ChatOptions.RawRepresentationFactory is set, and what it puts into the provider's request cannot be checked, so the request stays local";

    private static readonly string[] s_complexityEstimated = ["complexity estimated"];
    private static readonly string[] s_domainGuessed = ["domain guessed from the text"];
    private static readonly string[] s_bothEstimated = ["complexity estimated", "domain guessed from the text"];

    private readonly EaioHybridChatOptions _options;
    private readonly ComplexityEstimator _estimator;
    private readonly SensitiveDataScanner? _scanner;

    public RequestProfiler(EaioHybridChatOptions options, ComplexityEstimator estimator, SensitiveDataScanner? scanner = null)
    {
        _options = options;
        _estimator = estimator;
        _scanner = scanner;
    }

    /// <summary>Resolves the profile of a request.</summary>
    /// <exception cref="ArgumentException">The host's profile holds a value outside its range (for example a complexity of 1.5),
    /// or the options carry an Ollama <c>keep_alive</c> that is not a string.</exception>
    public ResolvedRequestProfile Resolve(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        RequestProfile? host = options.GetEaioProfile();
        if (host?.Complexity is { } given && (double.IsNaN(given) || given is < 0 or > 1))
        {
            throw new ArgumentException($"RequestProfile.Complexity is {given}; it must be between 0 and 1, or null to let the router estimate it.", nameof(options));
        }

        if (options?.AdditionalProperties is { Count: > 0 } properties
            && properties.TryGetValue(KeepAliveProperty, out object? keepAlive) && keepAlive is not (null or string))
        {
            // OllamaSharp casts it to a string: anything else would fail the local call as if Ollama had, and count against it.
            throw new ArgumentException(
                $"ChatOptions.AdditionalProperties[\"{KeepAliveProperty}\"] is a {keepAlive.GetType().Name} ({keepAlive}); Ollama's keep-alive must be a string such as \"30m\", \"1h30m\", \"300\", \"-1\" or \"0\".",
                nameof(options));
        }

        PrivacyLevel privacy = ResolvePrivacy(host);
        try
        {
            return ResolveCore(messages, options, host, privacy);
        }
#pragma warning disable CA1031 // Fail closed: whatever went wrong, the request stays local.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new ResolvedRequestProfile(
                privacy,
                DataSensitivity.Critical,
                Complexity: 0.5,
                RequestDomain.General,
                host?.Workload ?? Workload.Interactive,
                host?.Urgency ?? Urgency.Normal,
                host?.CostSensitivity ?? CostSensitivity.Normal,
                ModelCapabilities.None,
                EstimatedInputTokens: 0,
                options?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens,
                host?.TenantId,
                host?.BuildingId,
                [$"CRITICAL: profiling failed ({ex.GetType().Name}: {ex.Message}), so the request stays local"])
            {
                PinnedProvider = host?.Provider,
                PinnedModel = host?.Provider is null ? null : host.Model,
                Category = host?.Category ?? DomainNames.Of(RequestDomain.General),
            };
        }
    }

    private PrivacyLevel ResolvePrivacy(RequestProfile? host)
    {
        PrivacyLevel? building = host?.BuildingId is { } b && _options.BuildingPrivacy.TryGetValue(b.Trim(), out PrivacyLevel bl) ? bl : null;
        PrivacyLevel? client = host?.TenantId is { } t && _options.ClientPrivacy.TryGetValue(t.Trim(), out PrivacyLevel cl) ? cl : null;

        // A building's or client's level is the default for its requests and also a ceiling: a request may be stricter, never looser.
        PrivacyLevel level = host?.Privacy ?? building ?? client ?? _options.DefaultPrivacy;
        if (building is { } bc && bc < level)
        {
            level = bc;
        }

        if (client is { } cc && cc < level)
        {
            level = cc;
        }

        return level;
    }

    private ResolvedRequestProfile ResolveCore(IEnumerable<ChatMessage> messages, ChatOptions? options, RequestProfile? host, PrivacyLevel privacy)
    {
        DataSensitivity sensitivity = host?.Sensitivity ?? DataSensitivity.Public;
        bool remember = privacy != PrivacyLevel.Private;
        ModelCapabilities required = ModelCapabilities.None;
        int characters = 0;
        ChatMessage? lastUser = null;
        int looseReadings = 0;

        // Indexed: enumerating an interface boxes an enumerator per message on the hot path.
        IReadOnlyList<ChatMessage> list = MessageLists.AsList(messages);
        for (int i = 0; i < list.Count; i++)
        {
            Scan(list[i], _scanner, _options.DataClassifications, ref sensitivity, ref required, ref characters, ref lastUser, ref looseReadings, remember);
        }

        // The system prompt travels with the request, so what it holds counts like message text.
        sensitivity = ScanText(_scanner, options?.Instructions, sensitivity, ref looseReadings, remember);
        characters += options?.Instructions?.Length ?? 0;

        // Readings too few to make a series in any one text still make one together: a series split over turns, or
        // between the instructions and a message, is one building's readings all the same.
        if (_scanner is not null && looseReadings >= _scanner.MinimumReadings)
        {
            sensitivity = DataSensitivity.Critical;
        }

        if (options?.Tools is { Count: > 0 })
        {
            required |= ModelCapabilities.Tools;
        }

        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            required |= ModelCapabilities.Json;
        }

        if (options.GetLogProbabilities() is not null)
        {
            required |= ModelCapabilities.LogProbabilities;
        }

        // What a caller's factory puts into the SDK's own request object reaches the provider without passing the
        // pseudonymiser or the egress guard, so the request may only be served locally.
        bool rawFactory = options?.RawRepresentationFactory is not null;
        if (rawFactory)
        {
            sensitivity = DataSensitivity.Critical;
        }

        double complexity;
        if (host?.Complexity is { } given)
        {
            complexity = given;
        }
        else
        {
            complexity = _estimator.Estimate(list);
        }

        RequestDomain domain;
        if (host?.Domain is { } hostDomain)
        {
            domain = hostDomain;
        }
        else
        {
            domain = (required & ModelCapabilities.Vision) != 0 ? RequestDomain.Multimodal : DomainClassifier.Guess(lastUser?.Text ?? string.Empty);
        }

        return new ResolvedRequestProfile(
            privacy,
            sensitivity,
            complexity,
            domain,
            host?.Workload ?? Workload.Interactive,
            host?.Urgency ?? Urgency.Normal,
            host?.CostSensitivity ?? CostSensitivity.Normal,
            required,
            EstimatedInputTokens: (characters + 3) / 4, // about four characters a token for English; the cost issue brings real tokenizers
            options?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens,
            host?.TenantId,
            host?.BuildingId,
            Notes(host, rawFactory))
        {
            PinnedProvider = host?.Provider,
            PinnedModel = host?.Provider is null ? null : host.Model,
            Category = host?.Category ?? DomainNames.Of(domain),
        };
    }

    private static string[] Notes(RequestProfile? host, bool rawFactory)
    {
        string[] estimated = (host?.Complexity is null, host?.Domain is null) switch
        {
            (true, true) => s_bothEstimated,
            (true, false) => s_complexityEstimated,
            (false, true) => s_domainGuessed,
            _ => [],
        };
        return rawFactory ? [.. estimated, RawFactoryNote] : estimated;
    }

    private static void Scan(ChatMessage message, SensitiveDataScanner? scanner, IDictionary<Microsoft.Extensions.Compliance.Classification.DataClassification, DataSensitivity> classifications, ref DataSensitivity sensitivity, ref ModelCapabilities required, ref int characters, ref ChatMessage? lastUser, ref int looseReadings, bool remember)
    {
        sensitivity = Max(sensitivity, SensitivityTag.Read(message.AdditionalProperties, classifications));
        characters += 16; // role and framing overhead per message
        IList<AIContent> contents = message.Contents;
        for (int i = 0; i < contents.Count; i++)
        {
            AIContent content = contents[i];
            sensitivity = Max(sensitivity, SensitivityTag.Read(content.AdditionalProperties, classifications));
            switch (content)
            {
                case TextContent text:
                    characters += text.Text?.Length ?? 0;

                    // What the detectors find counts like a tag: readings of one building make the request CRITICAL, a
                    // failing detector too. Once CRITICAL, nothing can raise it further, so the scan stops.
                    sensitivity = ScanText(scanner, text.Text, sensitivity, ref looseReadings, remember);
                    break;
                case TextReasoningContent reasoning:
                    // An earlier turn's reasoning is sent back with the history and may quote the readings it reasoned about.
                    characters += reasoning.Text?.Length ?? 0;
                    sensitivity = ScanText(scanner, reasoning.Text, sensitivity, ref looseReadings, remember);
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    required |= ModelCapabilities.Vision;
                    break;
                case FunctionResultContent result:
                    // A tool result may declare its own sensitivity (ISensitivityTagged, or a tagged AIContent returned as
                    // is, at any depth of a list): the detectors cannot know that a list of plain numbers is one
                    // building's readings.
                    sensitivity = Max(sensitivity, ToolResultSensitivity.Read(result.Result, classifications));

                    // Results are scanned as the JSON the provider would see: ToString() of a list or object is only its type name.
                    string? resultText = result.Result is null ? null : result.Result as string ?? JsonSerializer.Serialize(result.Result, AIJsonUtilities.DefaultOptions);
                    characters += resultText?.Length ?? 0;
                    sensitivity = ScanText(scanner, resultText, sensitivity, ref looseReadings, remember);
                    break;
                case FunctionCallContent call:
                    characters += call.Name.Length + 64;
                    if (call.Arguments is { Count: > 0 })
                    {
                        sensitivity = ScanText(scanner, JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions), sensitivity, ref looseReadings, remember);
                    }

                    break;
            }
        }

        if (message.Role == ChatRole.User)
        {
            lastUser = message;
        }
    }

    // remember: whether masking may scan the same text again (the request is not PRIVATE), so the scanner keeps what it
    // found for it; a PRIVATE request never leaves, and remembering would only cost it.
    private static DataSensitivity ScanText(SensitiveDataScanner? scanner, string? text, DataSensitivity sensitivity, ref int looseReadings, bool remember)
    {
        if (scanner is null || sensitivity >= DataSensitivity.Critical || string.IsNullOrEmpty(text))
        {
            return sensitivity;
        }

        SensitiveDataScanResult result = remember ? scanner.Scan(text) : scanner.Scan(text.AsSpan());
        looseReadings += result.LooseReadings;
        return Max(sensitivity, result.Sensitivity);
    }

    private static DataSensitivity Max(DataSensitivity a, DataSensitivity b) => a >= b ? a : b;
}
