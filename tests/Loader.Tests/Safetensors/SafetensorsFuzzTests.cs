using System.Buffers.Binary;
using Loader.Safetensors;

namespace Loader.Tests.Safetensors;

public sealed class SafetensorsFuzzTests
{
    /// <summary>A valid file with several dtypes, metadata and a scalar, so mutations hit every header field kind.</summary>
    private static byte[] Seed()
    {
        var header = """{"__metadata__":{"format":"pt","note":"fuzz"},"emb":{"dtype":"F32","shape":[3,2],"data_offsets":[0,24]},"norm":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]},"ids":{"dtype":"I64","shape":[2],"data_offsets":[32,48]},"scale":{"dtype":"F16","shape":[],"data_offsets":[48,50]},"mask":{"dtype":"BOOL","shape":[2,3],"data_offsets":[50,56]}}""";
        var data = new byte[56];
        new Random(7).NextBytes(data);
        return RawSafetensors.Build(header, data);
    }

    [Fact]
    public void TruncationsAndByteFlips_OnlyEverThrowFormatException()
    {
        var seed = Seed();
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(seed);
        var random = new Random(20261122);
        using var dir = new TempDirectory();
        var path = dir.File("fuzz.safetensors");
        var opened = 0;
        var rejected = 0;
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var bytes = Mutate(seed, headerLength, random);
            try
            {
                // The header validator is the same code SafetensorsFile.Open runs; in memory it is cheap.
                using (var stream = new MemoryStream(bytes))
                {
                    SafetensorsHeader.Read(stream, bytes.Length, path);
                }
                // Whatever survived validation must map and be readable in full without leaving the file.
                File.WriteAllBytes(path, bytes);
                using var file = SafetensorsFile.Open(path);
                foreach (var tensor in file.Tensors)
                {
                    tensor.CopyToFloat32(new float[tensor.ElementCount]);
                    Assert.Equal(tensor.ByteLength, tensor.Bytes.Length);
                }
                opened++;
            }
            catch (SafetensorsFormatException error)
            {
                Assert.Equal(path, error.File);
                rejected++;
            }
        }
        // The mix must exercise both outcomes, or the mutations are not probing the validator.
        Assert.True(opened > 50, $"only {opened} mutated files opened");
        Assert.True(rejected > 1000, $"only {rejected} mutated files were rejected");
    }

    private static byte[] Mutate(byte[] seed, int headerLength, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return seed[..random.Next(seed.Length)];
            case 1:
                {
                    // Flip bits inside the JSON header, where they change meaning.
                    var bytes = (byte[])seed.Clone();
                    for (var flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        bytes[8 + random.Next(headerLength)] ^= (byte)(1 << random.Next(8));
                    }
                    return bytes;
                }
            case 2:
                {
                    // Replace a header byte with a JSON-significant character.
                    var bytes = (byte[])seed.Clone();
                    const string Significant = "{}[]\",:0123456789-e. ";
                    bytes[8 + random.Next(headerLength)] = (byte)Significant[random.Next(Significant.Length)];
                    return bytes;
                }
            default:
                {
                    // Corrupt the length prefix or the tail.
                    var bytes = (byte[])seed.Clone();
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    return random.Next(2) == 0 ? bytes : [.. bytes, .. new byte[random.Next(1, 9)]];
                }
        }
    }
}
