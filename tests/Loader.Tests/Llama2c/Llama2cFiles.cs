using System.Buffers.Binary;

namespace Loader.Tests.Llama2c;

/// <summary>Hand-built llama2.c files: a header of 7 ints and floats whose value is their index.</summary>
internal static class Llama2cFiles
{
    public static byte[] Checkpoint(int[] header, int floats)
    {
        var bytes = new byte[28 + floats * 4];
        for (var i = 0; i < 7; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), header[i]);
        }
        for (var i = 0; i < floats; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(28 + i * 4), i);
        }
        return bytes;
    }
}
