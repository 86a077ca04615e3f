using System.Text;

namespace Bench.Tokenizer;

/// <summary>A deterministic ~10 MB mixed text (English prose, code, CJK, emoji, numbers, whitespace runs), cut into
/// chunks of a given size (default 4 KB, prompt-sized) so both tokenizers see identical calls.</summary>
internal static class BenchCorpus
{
    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
        "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would",
        "who", "so", "no", "tokenizer", "inference", "engine", "probability", "gradient", "transformer", "attention",
        "sequence", "vectors", "unfold", "tapestry", "gentle", "precision", "whispers", "Classification", "London",
        "Paris", "don't", "I'll", "we're", "they've", "it's", "naïve", "café", "résumé", "Zürich", "straße",
    ];

    private static readonly string[] Code =
    [
        "def forward(self, x):\n    return self.proj(torch.relu(x)) + x\n",
        "for (var i = 0; i < n; i++)\n{\n    sum += a[i] * b[i];\n}\n",
        "SELECT id, name FROM users WHERE age > 42 ORDER BY name;\n",
        "{\"model\": \"llama\", \"temperature\": 0.7, \"max_tokens\": 256}\n",
        "if [ -f \"$HOME/.bashrc\" ]; then\n\tsource \"$HOME/.bashrc\"\nfi\n",
        "const re = /^[a-z0-9_.+-]+@[a-z0-9-]+\\.[a-z]{2,}$/i;\n",
        "<div class=\"card\"><h1>Title</h1><p>Body &amp; more</p></div>\n",
    ];

    private static readonly string[] Emoji = ["🌙", "🚀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "😀", "🎉"];

    public static List<string> Build(int targetBytes = 10_000_000, int chunkBytes = 4096, int seed = 20241122)
    {
        var random = new Random(seed);
        var chunks = new List<string>();
        var chunk = new StringBuilder();
        var total = 0;
        while (total < targetBytes)
        {
            var paragraph = Paragraph(random);
            chunk.Append(paragraph);
            var bytes = Encoding.UTF8.GetByteCount(paragraph);
            total += bytes;
            if (Encoding.UTF8.GetByteCount(chunk.ToString()) >= chunkBytes)
            {
                chunks.Add(chunk.ToString());
                chunk.Clear();
            }
        }
        if (chunk.Length > 0)
        {
            chunks.Add(chunk.ToString());
        }
        return chunks;
    }

    private static string Paragraph(Random random)
    {
        var sb = new StringBuilder();
        switch (random.Next(10))
        {
            case < 5:
                for (var i = random.Next(20, 120); i > 0; i--)
                {
                    var word = Words[random.Next(Words.Length)];
                    sb.Append(i % 11 == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                    sb.Append(random.Next(12) switch { 0 => ", ", 1 => ". ", _ => " " });
                }
                sb.Append("\n\n");
                break;
            case < 7:
                sb.Append(Code[random.Next(Code.Length)]);
                break;
            case 7:
                for (var i = random.Next(20, 80); i > 0; i--)
                {
                    // Common CJK ideographs, hiragana and hangul.
                    sb.Append(random.Next(3) switch
                    {
                        0 => (char)random.Next(0x4E00, 0x6000),
                        1 => (char)random.Next(0x3041, 0x3097),
                        _ => (char)random.Next(0xAC00, 0xB000),
                    });
                    if (random.Next(15) == 0)
                    {
                        sb.Append('。');
                    }
                }
                sb.Append('\n');
                break;
            case 8:
                for (var i = random.Next(5, 30); i > 0; i--)
                {
                    sb.Append(Emoji[random.Next(Emoji.Length)]).Append(random.Next(3) == 0 ? " " : "");
                }
                sb.Append('\n');
                break;
            default:
                for (var i = random.Next(5, 40); i > 0; i--)
                {
                    sb.Append(random.Next(4) switch
                    {
                        0 => random.Next(0, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        1 => (random.NextDouble() * 1000).ToString("F3", System.Globalization.CultureInfo.InvariantCulture),
                        2 => $"2024-{random.Next(1, 13):D2}-{random.Next(1, 29):D2}",
                        _ => $"0x{random.Next():X8}",
                    }).Append(random.Next(5) == 0 ? "\t" : " ");
                }
                sb.Append('\n');
                break;
        }
        return sb.ToString();
    }
}
