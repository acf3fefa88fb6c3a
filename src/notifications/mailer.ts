import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { AppConfig } from '../config/app-config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends e-mail over SMTP (SMTP_URL). `enabled` is false when no SMTP server is configured. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport: ReturnType<typeof nodemailer.createTransport> | null;
  private readonly from: string;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.transport = config.smtp.url
      ? nodemailer.createTransport(config.smtp.url)
      : null;
    this.from = config.smtp.from;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transport) throw new Error('SMTP is not configured');
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
