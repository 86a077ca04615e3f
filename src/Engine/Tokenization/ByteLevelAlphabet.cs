using System.Text;

namespace Engine.Tokenization;

/// <summary>GPT-2's reversible byte → printable character map (<c>bytes_to_unicode</c>): the printable bytes
/// <c>!..~</c>, <c>¡..¬</c>, <c>®..ÿ</c> map to themselves, the other 68 bytes to U+0100.. in byte order.</summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Char → byte, or -1 for a char outside the alphabet; indexed by char up to U+0143.</summary>
    private static readonly short[] CharToByte = BuildCharToByte();

    public static int ByteOf(char c) => c < CharToByte.Length ? CharToByte[c] : -1;

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, each written as its alphabet character.</summary>
    public static string Encode(ReadOnlySpan<char> text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(text, bytes);
        return string.Create(bytes.Length, bytes, static (chars, b) =>
        {
            for (var i = 0; i < b.Length; i++)
            {
                chars[i] = ByteToChar[b[i]];
            }
        });
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[0x144];
        Array.Fill(map, (short)-1);
        for (var b = 0; b < 256; b++)
        {
            map[ByteToChar[b]] = (short)b;
        }
        return map;
    }
}
