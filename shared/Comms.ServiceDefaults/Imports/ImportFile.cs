using System.Buffers;
using System.Text;

namespace Comms.ServiceDefaults.Imports;

/// <summary>
/// An uploaded CSV file kept in a temporary file (deleted when disposed) so it can be read twice — once to check every
/// row, once to apply them — without holding it in memory. While it is written, its bytes are checked as UTF-8: a
/// file that is not valid UTF-8 is Windows-1251, as Russian Excel and 1C write it. A byte-order mark decides first.
/// </summary>
public sealed class ImportFile : IAsyncDisposable
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly FileStream _file;

    private ImportFile(FileStream file, Encoding encoding, long length)
    {
        _file = file;
        Encoding = encoding;
        Length = length;
    }

    public Encoding Encoding { get; }

    public long Length { get; }

    /// <summary>utf-8, windows-1251, utf-16, …: what the file was read as.</summary>
    public string EncodingName => Encoding.WebName;

    static ImportFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Windows-1251, the code page of Russian Windows.</summary>
    public static Encoding Windows1251 => Encoding.GetEncoding(1251);

    /// <summary>
    /// Copies <paramref name="body"/> to a temporary file. <paramref name="declared"/> (the request's charset, when it
    /// is not UTF-8) wins over detection; clients often declare UTF-8 whatever they send, so that one is checked.
    /// </summary>
    /// <exception cref="ImportFileTooLargeException">The body is longer than <paramref name="maxBytes"/>.</exception>
    public static async Task<ImportFile> SpoolAsync(Stream body, Encoding? declared, long maxBytes, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"comms-import-{Guid.NewGuid():N}.csv");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81_920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var buffer = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            var strict = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
            var validUtf8 = true;
            var chars = new char[Utf8.GetMaxCharCount(buffer.Length + 4)];
            long length = 0;
            var head = new byte[3];
            var headLength = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, buffer.Length), cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    throw new ImportFileTooLargeException(maxBytes);
                }

                for (var i = 0; i < read && headLength < head.Length; i++)
                {
                    head[headLength++] = buffer[i];
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                if (validUtf8)
                {
                    validUtf8 = TryDecode(strict, buffer, read, chars, flush: false);
                }
            }

            if (validUtf8)
            {
                validUtf8 = TryDecode(strict, buffer, 0, chars, flush: true);
            }

            await file.FlushAsync(cancellationToken);
            file.Position = 0;
            var encoding = ByteOrderMark(head.AsSpan(0, headLength)) ?? declared ?? (validUtf8 ? Utf8 : Windows1251);
            return new ImportFile(file, encoding, length);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A reader from the start of the file; the byte-order mark, if any, is skipped.</summary>
    public StreamReader OpenReader()
    {
        _file.Position = 0;
        return new StreamReader(_file, Encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 65_536, leaveOpen: true);
    }

    /// <summary>The first line of the file (at most 64 KiB of it), to detect the delimiter.</summary>
    public string FirstLine()
    {
        using var reader = OpenReader();
        var line = new StringBuilder();
        int c;
        while (line.Length < 65_536 && (c = reader.Read()) >= 0 && c != '\n' && c != '\r')
        {
            line.Append((char)c);
        }

        return line.ToString();
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    private static bool TryDecode(Decoder decoder, byte[] bytes, int count, char[] chars, bool flush)
    {
        try
        {
            decoder.GetChars(bytes, 0, count, chars, 0, flush);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static Encoding? ByteOrderMark(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? Utf8
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Encoding.Unicode
        : head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode
        : null;
}

public sealed class ImportFileTooLargeException(long maxBytes)
    : Exception($"the file is larger than {maxBytes} bytes")
{
    public long MaxBytes { get; } = maxBytes;
}
