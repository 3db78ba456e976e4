using System.Diagnostics;
using System.Text;

namespace Orchestration.Testing;

/// <summary>What a child process writes to stdout and stderr, kept line by line for the message of a failing test.</summary>
public sealed class ProcessOutput
{
    readonly StringBuilder _text = new();

    /// <summary>Reads both streams of the started <paramref name="process"/>; <paramref name="onLine"/> sees each line as it comes.</summary>
    public void Capture(Process process, Action<string>? onLine = null)
    {
        process.OutputDataReceived += (_, e) => Append(e.Data, onLine);
        process.ErrorDataReceived += (_, e) => Append(e.Data, onLine);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public override string ToString()
    {
        lock (_text)
            return _text.ToString();
    }

    void Append(string? line, Action<string>? onLine)
    {
        if (line is null)
            return;
        lock (_text)
            _text.AppendLine(line);
        onLine?.Invoke(line);
    }
}
