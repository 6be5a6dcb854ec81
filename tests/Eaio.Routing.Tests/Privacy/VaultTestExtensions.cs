namespace Eaio.Routing.Tests;

/// <summary>One vault question at a time, as the tests ask them: each is a batch of one, or a read of the scope's snapshot.</summary>
internal static class VaultTestExtensions
{
    public static async Task<string> GetOrAddPlaceholderAsync(this IPseudonymVault vault, string scopeId, string entityType, string value) =>
        (await vault.PseudonymizeAsync(scopeId, [PseudonymRequest.Value(entityType, value)]))[0];

    public static async Task<string> ReserveLiteralAsync(this IPseudonymVault vault, string scopeId, string literal) =>
        (await vault.PseudonymizeAsync(scopeId, [PseudonymRequest.Literal(literal)]))[0];

    /// <summary>The original of a placeholder, or <see langword="null"/> when the scope does not restore it.</summary>
    public static async Task<string?> OriginalAsync(this IPseudonymVault vault, string scopeId, string placeholder) =>
        (await vault.GetSnapshotAsync(scopeId)).TryGetOriginal(placeholder, out string? original) ? original : null;

    public static async Task<IReadOnlyCollection<string>> GetStemsAsync(this IPseudonymVault vault, string scopeId) =>
        (await vault.GetSnapshotAsync(scopeId)).Stems;

    public static async Task<IReadOnlyCollection<string>> GetOriginalsAsync(this IPseudonymVault vault, string scopeId) =>
        (await vault.GetSnapshotAsync(scopeId)).Originals;

    public static async Task<PlaceholderRestorer> RestorerAsync(this IPseudonymVault vault, string scopeId) =>
        new(await vault.GetSnapshotAsync(scopeId));

    public static async Task<StreamingPlaceholderRestorer> StreamingRestorerAsync(this IPseudonymVault vault, string scopeId) =>
        new(await vault.GetSnapshotAsync(scopeId));
}
