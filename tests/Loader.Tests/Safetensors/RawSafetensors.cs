using System.Buffers.Binary;
using System.Text;

namespace Loader.Tests.Safetensors;

/// <summary>Builds safetensors bytes by hand (length prefix, header text, data), independent of SafetensorsWriter.</summary>
internal static class RawSafetensors
{
    public static byte[] Build(string headerJson, byte[] data) => Build(Encoding.UTF8.GetBytes(headerJson), data);

    public static byte[] Build(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    public static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }
        return bytes;
    }

    /// <summary>A valid two-tensor file with metadata: "a" F32 [2,2] = 1..4, "b" I32 [3] = 7,8,9.</summary>
    public static byte[] TwoTensorFile()
    {
        var header = """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"I32","shape":[3],"data_offsets":[16,28]}}""";
        var data = new byte[28];
        Floats(1, 2, 3, 4).CopyTo(data, 0);
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(16 + i * 4), 7 + i);
        }
        return Build(header, data);
    }
}
