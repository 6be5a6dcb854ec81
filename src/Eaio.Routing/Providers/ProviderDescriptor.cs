using System.Collections.Frozen;

namespace Eaio.Routing;

/// <summary>A provider in the catalogue: its tier, models, and which model serves which task.</summary>
public sealed class ProviderDescriptor
{
    private readonly ModelDescriptor[] _modelForTask; // planning asks for every request: looked up once here

    /// <summary>Initializes a new instance of the <see cref="ProviderDescriptor"/> class.</summary>
    /// <param name="name">The provider's name, one of <see cref="EaioProviders"/> or a host's own.</param>
    /// <param name="tier">Whether the provider is local or external.</param>
    /// <param name="models">The provider's models.</param>
    /// <param name="taskModels">Which model serves which task; <see cref="ModelTask.General"/> is required.</param>
    /// <param name="latencyRank">The provider's rank for urgent requests, 1 being the fastest external API.</param>
    /// <param name="keySetting">The configuration key whose absence removes the provider from every plan, or <see langword="null"/> when none is needed.</param>
    /// <exception cref="ArgumentException">A task names a model that is not in <paramref name="models"/>, or no general model is given.</exception>
    public ProviderDescriptor(
        string name,
        ProviderTier tier,
        IReadOnlyList<ModelDescriptor> models,
        IReadOnlyDictionary<ModelTask, string> taskModels,
        int latencyRank,
        string? keySetting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(taskModels);

        if (!taskModels.ContainsKey(ModelTask.General))
        {
            throw new ArgumentException($"Provider '{name}' needs a model for {nameof(ModelTask.General)}.", nameof(taskModels));
        }

        foreach (KeyValuePair<ModelTask, string> pair in taskModels)
        {
            if (!models.Any(m => m.Id == pair.Value))
            {
                throw new ArgumentException(
                    $"Provider '{name}' maps {pair.Key} to model '{pair.Value}', which is not among its models ({string.Join(", ", models.Select(m => m.Id))}).",
                    nameof(taskModels));
            }
        }

        Name = name;
        Tier = tier;
        Models = [.. models];
        TaskModels = taskModels.ToFrozenDictionary();
        ModelTask[] tasks = Enum.GetValues<ModelTask>();
        _modelForTask = new ModelDescriptor[tasks.Max(task => (int)task) + 1];
        for (int i = 0; i < _modelForTask.Length; i++)
        {
            _modelForTask[i] = Find(TaskModels.GetValueOrDefault((ModelTask)i) ?? TaskModels[ModelTask.General])!;
        }
        LatencyRank = latencyRank;
        KeySetting = keySetting;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Name { get; }

    /// <summary>Gets whether the provider is local or external.</summary>
    public ProviderTier Tier { get; }

    /// <summary>Gets the provider's models.</summary>
    public IReadOnlyList<ModelDescriptor> Models { get; }

    /// <summary>Gets which model serves which task.</summary>
    public IReadOnlyDictionary<ModelTask, string> TaskModels { get; }

    /// <summary>Gets the provider's rank for urgent requests, 1 being the fastest.</summary>
    public int LatencyRank { get; }

    /// <summary>Gets the configuration key of the provider's API key, or <see langword="null"/> when it needs none.</summary>
    public string? KeySetting { get; }

    /// <summary>Gets the model for a task, falling back to the general model.</summary>
    /// <param name="task">The task.</param>
    /// <returns>The model.</returns>
    public ModelDescriptor ModelFor(ModelTask task) =>
        (uint)task < (uint)_modelForTask.Length ? _modelForTask[(int)task] : _modelForTask[(int)ModelTask.General];

    /// <summary>Finds a model by id.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The model, or <see langword="null"/> when the provider has none of that id.</returns>
    public ModelDescriptor? Find(string modelId)
    {
        foreach (ModelDescriptor model in Models)
        {
            if (string.Equals(model.Id, modelId, StringComparison.OrdinalIgnoreCase))
            {
                return model;
            }
        }

        return null;
    }
}
