using nietras.SeparatedValues;

namespace Eaio.Routing;

/// <summary>What every BDG2 file reader shares: opening with Sep and the checks before it.</summary>
internal static class Bdg2Csv
{
    private const string LfsPointerStart = "version https://git-lfs.github.com/spec/";

    public static SepReader Open(string path) => Sep.New(',').Reader(o => o with { Unescape = true }).FromFile(path);

    /// <summary>Fails with a clear message when the file is absent or is a Git LFS pointer (BDG2's repository stores every CSV in LFS).</summary>
    public static void EnsureDataFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {what} file {path} does not exist.", path);
        }

        Span<char> start = stackalloc char[LfsPointerStart.Length];
        using StreamReader reader = new(path);
        int read = reader.ReadBlock(start);
        if (read == start.Length && start.SequenceEqual(LfsPointerStart))
        {
            throw new InvalidDataException($"{path} is a Git LFS pointer, not the {what} data: fetch the real file (git lfs pull) first.");
        }
    }
}
