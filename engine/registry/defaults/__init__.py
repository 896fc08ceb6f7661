"""Server-side defaulting: the fields kube-apiserver fills in when a client leaves them out."""
