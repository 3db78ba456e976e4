using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>
/// Sends through an SMTP server with System.Net.Mail: plain text with an HTML alternative, and the email's stable
/// Message-ID header, so a copy sent again after a crash is the same message to every mail system that sees it.
/// </summary>
public sealed class SmtpEmailSender(IOptions<NotificationsOptions> options) : IEmailSender
{
    public string Name => EmailProviders.Smtp;

    public async Task<string?> SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        using var message = new MailMessage
        {
            From = email.From,
            Subject = email.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = email.Text,
            BodyEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        message.To.Add(email.To);
        message.Headers.Add("Message-ID", email.MessageId);
        message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(email.Html, Encoding.UTF8, MediaTypeNames.Text.Html));

        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(smtp.Username))
            client.Credentials = new NetworkCredential(smtp.Username, smtp.Password);

        try
        {
            await client.SendMailAsync(message, cancellationToken);
        }
        catch (SmtpException exception) when ((int)exception.StatusCode >= 500)
        {
            // 5xx replies are permanent (unknown mailbox, policy, authentication); 4xx and broken connections are not.
            throw new EmailRejectedException(Name, $"{(int)exception.StatusCode} {exception.StatusCode}: {exception.Message}");
        }
        catch (Exception exception) when (exception is SmtpException or IOException or System.Net.Sockets.SocketException)
        {
            throw new EmailProviderUnavailableException(Name, $"{exception.GetType().Name}: {exception.Message}");
        }

        return email.MessageId;
    }
}
