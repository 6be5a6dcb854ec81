using System.Collections.Concurrent;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class RandomIdsTests
{
    [Test]
    public void Ids_drawn_across_many_batches_on_several_threads_are_distinct_version_4_guids()
    {
        ConcurrentBag<Guid> ids = [];

        // 1,000 ids per thread cross the 16-id batch boundary many times on every thread.
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                ids.Add(RandomIds.NewGuid());
            }
        });

        Assert.That(ids.Distinct().Count(), Is.EqualTo(8_000));
        Assert.That(ids.Select(id => id.Version), Is.All.EqualTo(4));
        Assert.That(ids.Select(id => id.Variant >> 2), Is.All.EqualTo(0b10), "the RFC 9562 variant: top two bits 10");
    }

    [Test]
    public void A_string_id_is_the_guid_in_32_lower_case_hex_digits()
    {
        string id = RandomIds.NewId();

        Assert.That(id, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(Guid.ParseExact(id, "N").Version, Is.EqualTo(4));
    }

    [Test]
    public void Every_bit_outside_the_version_and_variant_varies_across_ids()
    {
        // A batch handed out twice, or a fill that missed part of the buffer, would leave some positions constant.
        byte[][] samples = [.. Enumerable.Range(0, 64).Select(_ => RandomIds.NewGuid().ToByteArray())];
        for (int position = 0; position < 16; position++)
        {
            Assert.That(samples.Select(s => s[position]).Distinct().Count(), Is.GreaterThan(8), $"byte {position} barely varies");
        }
    }
}
