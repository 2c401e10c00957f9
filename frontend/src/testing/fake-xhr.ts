/** An XMLHttpRequest for tests of uploads (install it with `vi.stubGlobal`). */
export interface Sent {
  url: string;
  headers: Record<string, string>;
  body: FormData | Blob;
}

/** An XMLHttpRequest that answers from a queue, reporting upload progress first. */
export class FakeXhr {
  static sent: Sent[] = [];

  static replies: { status: number; body: unknown }[] = [];

  status = 0;

  responseText = '';

  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };

  onload: (() => void) | null = null;

  onerror: (() => void) | null = null;

  onabort: (() => void) | null = null;

  private url = '';

  private headers: Record<string, string> = {};

  open(_method: string, url: string) {
    this.url = url;
  }

  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }

  abort() {
    this.onabort?.();
  }

  send(body: FormData | Blob) {
    FakeXhr.sent.push({ url: this.url, headers: this.headers, body });
    const reply = FakeXhr.replies.shift() ?? { status: 500, body: { detail: 'no reply' } };
    setTimeout(() => {
      this.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
      setTimeout(() => {
        this.status = reply.status;
        this.responseText = JSON.stringify(reply.body);
        this.onload?.();
      }, 20);
    }, 0);
  }
}
