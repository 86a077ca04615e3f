using ConvertTool.Llama2c;
using Google.Protobuf;
using Loader.Llama2c;

namespace ConvertTool.Tests;

/// <summary><c>convert llama2c</c>'s tokenizer.model: every piece of tokenizer.bin at its id, with its score,
/// spaces as U+2581 and the SentencePiece piece types (read back with protobuf's reader; the Engine tests load
/// it through Microsoft.ML.Tokenizers and compare encodings).</summary>
public sealed class Llama2cSentencePieceModelTests
{
    [Fact]
    public void WritesTokenizerModel_WithThePiecesAndScoresOfTokenizerBin()
    {
        using var dir = new TempDirectory();
        var result = Llama2cConversion.Run(new Llama2cConversionOptions(Aidreams.Model, Aidreams.Tokenizer, dir.Path));
        Assert.Contains(dir.File("tokenizer.model"), result.Files);
        var bin = Llama2cTokenizerFile.Read(Aidreams.Tokenizer, Aidreams.Vocab);

        var pieces = new List<(string Text, float Score, int Type)>();
        var input = new CodedInputStream(File.ReadAllBytes(dir.File("tokenizer.model")));
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)
            {
                input.SkipLastField();
                continue;
            }
            var piece = new CodedInputStream(input.ReadBytes().ToByteArray());
            var (text, score, type) = ("", 0f, 1);
            for (var t = piece.ReadTag(); t != 0; t = piece.ReadTag())
            {
                switch (WireFormat.GetTagFieldNumber(t))
                {
                    case 1: text = piece.ReadString(); break;
                    case 2: score = piece.ReadFloat(); break;
                    case 3: type = piece.ReadEnum(); break;
                    default: piece.SkipLastField(); break;
                }
            }
            pieces.Add((text, score, type));
        }

        Assert.Equal(Aidreams.Vocab, pieces.Count);
        for (var id = 0; id < Aidreams.Vocab; id++)
        {
            var original = System.Text.Encoding.UTF8.GetString(bin.Pieces[id]);
            // SentencePiece types: 2 unknown (id 0), 3 control (BOS/EOS), 6 byte (<0xNN>), 1 normal.
            var expectedType = id == 0 ? 2 : id is 1 or 2 ? 3 : original.StartsWith("<0x", StringComparison.Ordinal) && original.Length == 6 ? 6 : 1;
            Assert.Equal(expectedType == 1 ? original.Replace(' ', '\u2581') : original, pieces[id].Text);
            Assert.Equal(bin.Scores[id], pieces[id].Score);
            Assert.Equal(expectedType, pieces[id].Type);
        }
    }
}
