using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>
/// Sends through an SMTP server with MailKit: plain text with an HTML alternative, and the email's stable Message-ID
/// header, so a copy sent again after a crash is the same message to every mail system that sees it. TLS (STARTTLS or
/// TLS from the first byte) and authentication come from <c>Notifications:Smtp</c>.
/// </summary>
public sealed class SmtpEmailSender(IOptions<NotificationsOptions> options, TimeProvider time) : IEmailSender
{
    public string Name => EmailProviders.Smtp;

    public async Task<string?> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        using var message = Message(email);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Username))
                await client.AuthenticateAsync(smtp.Username, smtp.Password, cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException exception) when ((int)exception.StatusCode >= 500)
        {
            // 5xx replies are permanent (unknown mailbox, policy); 4xx and broken connections are not.
            throw new EmailRejectedException(Name, $"{(int)exception.StatusCode} {exception.StatusCode}: {exception.Message}");
        }
        catch (NotSupportedException exception)
        {
            // The server lacks what the settings or the email require (STARTTLS, a sign-in, SMTPUTF8): something to fix,
            // not an outage to wait out.
            throw new EmailRejectedException(Name,
                $"the server does not support what Notifications:Smtp (Security {smtp.Security}) or the email asks: {exception.Message}");
        }
        catch (ServiceNotAuthenticatedException exception)
        {
            throw new EmailRejectedException(Name,
                $"the server takes mail only after a sign-in (Notifications:Smtp:Username and Password): {exception.Message}");
        }
        catch (AuthenticationException exception)
        {
            throw new EmailRejectedException(Name,
                $"the server refused the credentials of Notifications:Smtp:Username: {exception.Message}");
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or SslHandshakeException
            or ServiceNotConnectedException or IOException or SocketException or TimeoutException)
        {
            throw new EmailProviderUnavailableException(Name, $"{exception.GetType().Name}: {exception.Message}");
        }

        return email.MessageId;
    }

    MimeMessage Message(OutgoingEmail email)
    {
        var message = new MimeMessage
        {
            Subject = email.Subject,
            Date = time.GetUtcNow(),
            MessageId = email.MessageId.Trim('<', '>'),
            Body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html }.ToMessageBody(),
        };
        message.From.Add(new MailboxAddress(email.From.DisplayName, email.From.Address));
        message.To.Add(new MailboxAddress(email.To.DisplayName, email.To.Address));
        return message;
    }
}
