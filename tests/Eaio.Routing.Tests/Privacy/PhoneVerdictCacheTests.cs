using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// <see cref="PhoneVerdictCache"/> keeps candidates whose hashes share low bits: numbers of one prompt that land in the
/// same place must not evict each other, or every scan of that prompt asks libphonenumber again.
/// </summary>
[TestFixture]
public sealed class PhoneVerdictCacheTests
{
    [Test]
    public void Four_candidates_whose_hashes_share_the_low_bits_are_all_kept()
    {
        // The string hash is seeded per process, so the colliding candidates are found in this one.
        string[] colliding = Colliding(4);
        PhoneVerdictCache cache = new();
        for (int k = 0; k < colliding.Length; k++)
        {
            cache.Set(colliding[k], (PhoneVerdict)(k % 3));
        }

        for (int k = 0; k < colliding.Length; k++)
        {
            Assert.That(cache.TryGet(colliding[k], out PhoneVerdict verdict), Is.True, colliding[k]);
            Assert.That(verdict, Is.EqualTo((PhoneVerdict)(k % 3)), colliding[k]);
        }
    }

    [Test]
    public void A_full_set_replaces_an_entry_and_never_answers_with_another_candidates_verdict()
    {
        string[] colliding = Colliding(12);
        PhoneVerdictCache cache = new();
        for (int k = 0; k < colliding.Length; k++)
        {
            cache.Set(colliding[k], (PhoneVerdict)(k % 3));
        }

        int kept = 0;
        for (int k = 0; k < colliding.Length; k++)
        {
            if (cache.TryGet(colliding[k], out PhoneVerdict verdict))
            {
                kept++;
                Assert.That(verdict, Is.EqualTo((PhoneVerdict)(k % 3)), colliding[k]);
            }
        }

        Assert.That(kept, Is.EqualTo(4), "one set holds four candidates");
        Assert.That(cache.TryGet("415-555-0100 ", out _), Is.False, "a candidate never stored");
    }

    /// <summary>Phone-like candidates whose hashes agree in their low nine bits (the slot of a 512-entry table).</summary>
    private static string[] Colliding(int count)
    {
        Dictionary<int, List<string>> bySlot = [];
        for (int n = 0; ; n++)
        {
            string candidate = $"415-555-{n:D4}";
            int slot = string.GetHashCode(candidate.AsSpan()) & 511;
            if (!bySlot.TryGetValue(slot, out List<string>? list))
            {
                bySlot[slot] = list = [];
            }

            list.Add(candidate);
            if (list.Count == count)
            {
                return [.. list];
            }
        }
    }
}
