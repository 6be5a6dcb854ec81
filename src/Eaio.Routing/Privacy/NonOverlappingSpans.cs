namespace Eaio.Routing;

/// <summary>
/// Adds one detector's spans of one entity type, skipping any that overlaps a span of that type the detector already
/// reported for the same text: a detector that tries several forms at one place reports the value once.
/// </summary>
internal readonly struct NonOverlappingSpans(ICollection<SensitiveSpan> spans, string entityType)
{
    private readonly ICollection<SensitiveSpan> _spans = spans;
    private readonly int _baseline = spans.Count;

    public void Add(int start, int length, double confidence)
    {
        if (_spans is IList<SensitiveSpan> list)
        {
            for (int k = _baseline; k < list.Count; k++)
            {
                SensitiveSpan other = list[k];
                if (other.Start < start + length && start < other.Start + other.Length && other.EntityType == entityType)
                {
                    return;
                }
            }
        }

        _spans.Add(new SensitiveSpan(start, length, entityType, confidence));
    }
}
