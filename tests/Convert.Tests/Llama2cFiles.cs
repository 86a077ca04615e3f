using System.Buffers.Binary;
using System.Text;

namespace ConvertTool.Tests;

/// <summary>Hand-built llama2.c files: checkpoints whose float i has value i, tokenizers from piece strings.</summary>
internal static class Llama2cFiles
{
    public static byte[] Checkpoint(int[] header, int floats)
    {
        var bytes = new byte[28 + (floats * 4)];
        for (var i = 0; i < 7; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), header[i]);
        }
        for (var i = 0; i < floats; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(28 + (i * 4)), i);
        }
        return bytes;
    }

    public static byte[] Tokenizer(params string[] pieces)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(pieces.Max(p => Encoding.UTF8.GetByteCount(p)));
        foreach (var piece in pieces)
        {
            writer.Write(0f);
            var bytes = Encoding.UTF8.GetBytes(piece);
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
        writer.Flush();
        return stream.ToArray();
    }
}
