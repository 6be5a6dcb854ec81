using System.Security.Cryptography;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The reused per-thread HMAC gives exactly the one-shot HMAC, call after call and from many threads at once.</summary>
public sealed class ReusableHmacTests
{
    [Test]
    public async Task Every_call_on_every_thread_gives_the_one_shot_HMAC_of_its_own_bytes()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        ReusableHmac hmac = new(key);
        byte[][] inputs = [.. Enumerable.Range(0, 64).Select(i => RandomNumberGenerator.GetBytes(i * 37 % 1500))];
        int mismatches = 0;

        await Parallel.ForAsync(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, (i, _) =>
        {
            byte[] input = inputs[i % inputs.Length];
            byte[] reused = new byte[32];
            hmac.Hash(input, reused);
            if (!reused.AsSpan().SequenceEqual(HMACSHA256.HashData(key, input)))
            {
                Interlocked.Increment(ref mismatches);
            }

            return ValueTask.CompletedTask;
        });

        Assert.That(mismatches, Is.Zero);
    }
}
