// Values the edge tests share: a domain, its hosted zone and a certificate for it, in the default region.
export const DOMAIN = 'api.example.com';
export const ZONE = 'Z0123456789ABCDEFGHIJ';
export const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';
