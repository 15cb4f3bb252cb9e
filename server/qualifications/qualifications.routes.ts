import { Router, type Request, type Response } from 'express';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { blankForm, formRoute } from '../core/forms';
import { clientIp, noticeOf } from '../core/request-info';
import type { UploadArea } from '../core/upload';
import { validate } from '../core/validate';
import { presentQualification, qualificationFormOptions, qualificationFormValues } from './qualifications.presenter';
import { qualificationDecision, qualificationEditForm, qualificationForm, qualificationParams, SCAN_UPLOAD } from './qualifications.schemas';
import type { QualificationService } from './qualifications.service';

const NOTICES = new Set(['qualification-recorded', 'qualification-updated', 'review-decided']);

export function qualificationsRoutes(deps: { qualifications: QualificationService; uploads: UploadArea }): Router {
  const { qualifications, uploads } = deps;
  const router = guardedRouter(Router());

  router.get('/organisation/qualifications', requireRole('org-admin', 'org-member'), async (req, res) => {
    const { organisation, qualifications: list } = await qualifications.listOwn(actorOf(req));
    res.render('qualifications/index', {
      organisation: { id: organisation.id, name: organisation.name },
      qualifications: list.map((item) => presentQualification(item, res.locals.locale)),
      canEdit: actorOf(req)?.roles.includes('org-admin') ?? false,
      notice: noticeOf(req, NOTICES),
    });
  });

  const formLocals = (_req: Request, res: Response) => ({ ...qualificationFormOptions(res.locals.locale), editing: null });

  router.get('/organisation/qualifications/new', requireRole('org-admin'), (req, res) => {
    res.render('qualifications/form', { ...formLocals(req, res), ...blankForm() });
  });

  // Multipart forms carry the CSRF token in the query string (see server/core/csrf.ts).
  router.post(
    '/organisation/qualifications',
    requireRole('org-admin'),
    formRoute(
      'qualifications/form',
      async (req, res) => {
        const scan = await uploads.receive(req, res, SCAN_UPLOAD);
        const input = validate(qualificationForm, { ...req.body, scan });
        await qualifications.record(actorOf(req), input, clientIp(req));
        res.redirect(303, '/organisation/qualifications?notice=qualification-recorded');
      },
      formLocals,
    ),
  );

  const editLocals = async (req: Request, res: Response) => {
    const { id } = validate(qualificationParams, req.params);
    const found = await qualifications.getOwn(actorOf(req), id);
    return { ...qualificationFormOptions(res.locals.locale), editing: presentQualification(found, res.locals.locale), current: found.qualification };
  };

  router.get('/organisation/qualifications/:id/edit', requireRole('org-admin'), async (req, res) => {
    const { current, ...locals } = await editLocals(req, res);
    res.render('qualifications/form', { ...locals, ...blankForm(qualificationFormValues(current)) });
  });

  router.post(
    '/organisation/qualifications/:id',
    requireRole('org-admin'),
    formRoute(
      'qualifications/form',
      async (req, res) => {
        const { id } = validate(qualificationParams, req.params);
        const scan = await uploads.receive(req, res, SCAN_UPLOAD);
        const input = validate(qualificationEditForm, { ...req.body, scan });
        await qualifications.update(actorOf(req), id, input, clientIp(req));
        res.redirect(303, '/organisation/qualifications?notice=qualification-updated');
      },
      editLocals,
    ),
  );

  // Organisers' review

  const queueLocals = async (req: Request, res: Response) => {
    const queue = await qualifications.reviewQueue(actorOf(req));
    return {
      items: queue.map((item) => ({ ...presentQualification(item, res.locals.locale), organisation: item.organisation ? { name: item.organisation.name, href: `/organisations/${item.organisation.id}` } : null })),
      notice: noticeOf(req, NOTICES),
      failedId: null as string | null,
    };
  };

  router.get('/review/qualifications', requireRole('organiser', 'platform-admin'), async (req, res) => {
    res.render('qualifications/review', { ...(await queueLocals(req, res)), ...blankForm() });
  });

  router.post(
    '/review/qualifications/:id',
    requireRole('organiser', 'platform-admin'),
    formRoute(
      'qualifications/review',
      async (req, res) => {
        const { id } = validate(qualificationParams, req.params);
        const { decision, reason } = validate(qualificationDecision, req.body);
        await qualifications.decide(actorOf(req), id, decision, reason, clientIp(req));
        res.redirect(303, '/review/qualifications?notice=review-decided');
      },
      async (req, res) => ({ ...(await queueLocals(req, res)), failedId: String(req.params.id) }),
    ),
  );

  return router;
}
